/**
 * What Create and Update answer when the engine asks with `preview` set: no request to the API,
 * only what the inputs already tell. The engine sends `preview` only to a provider that says it
 * supports previews in Configure; this one does not (a preview showing the old token as the new
 * outputs would mislead), so these answers are the contract kept should the engine ask anyway.
 */
import { Props } from "./wire";

/** A create in preview: the checked inputs, and no id (the engine expects none in a preview). */
export function previewCreateOutputs(inputs: Props): Props {
    return { ...inputs };
}

/** An update in preview: the old outputs with the new inputs over them. */
export function previewUpdateOutputs(olds: Props, news: Props): Props {
    return { ...olds, ...news };
}
