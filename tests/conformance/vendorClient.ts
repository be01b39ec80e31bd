/**
 * The vendor's official npm client (`mailtrap` 4.10.0, a pinned devDependency) aimed at a local
 * emulator. The client hard-codes https://mailtrap.io and keeps its axios instance private
 * (the compiled `MailtrapClient` holds it as `this.axios`): a request interceptor on that instance
 * rewrites the origin, so no request can leave 127.0.0.1.
 */
import type { AxiosInstance } from "axios";
import { MailtrapClient as VendorClient } from "mailtrap";
import type { MailtrapEmulator } from "../../provider/emulator/server";

const VENDOR_ORIGIN = "https://mailtrap.io";

export type VendorApiTokens = VendorClient["general"]["apiTokens"];

/** The official client's API-token resource, sending every request to `emulator` instead of Mailtrap. */
export function vendorApiTokens(emulator: MailtrapEmulator): VendorApiTokens {
    const client = new VendorClient({ token: emulator.credential, accountId: emulator.accountId });
    const transport = (client as unknown as { axios: AxiosInstance }).axios;
    transport.interceptors.request.use((config) => {
        const url = config.url ?? "";
        // Anything but the vendor's origin would be a request this test did not foresee: refuse it.
        if (!url.startsWith(`${VENDOR_ORIGIN}/`)) throw new Error(`the official client asked for ${url}, not ${VENDOR_ORIGIN}`);
        config.url = emulator.baseUrl + url.slice(VENDOR_ORIGIN.length);
        config.proxy = false; // an HTTP(S)_PROXY in the environment must not route it elsewhere
        return config;
    });
    return client.general.apiTokens;
}

/** The HTTP status and answer body of the official client's failure (a MailtrapError caused by an AxiosError). */
export async function vendorFailure(promise: Promise<unknown>): Promise<{ status: number; body: unknown; message: string }> {
    try {
        await promise;
    } catch (error) {
        const response = (error as { cause?: { response?: { status: number; data: unknown } } }).cause?.response;
        if (!response) throw error;
        return { status: response.status, body: response.data, message: (error as Error).message };
    }
    throw new Error("the official client's call succeeded where a failure was expected");
}
