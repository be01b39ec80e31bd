"""One Mailtrap API token declared in Python, through the native provider pulumi-resource-mailtrap."""

import pulumi
import pulumi_mailtrap as mailtrap

config = pulumi.Config()
# The Mailtrap project the token may read (its id is in the project's URL in Mailtrap). Required,
# with no default: a made-up id would ask Mailtrap for a project that is not yours.
project_id = config.require_int("projectId")

# A token that can read one project; the account comes from `mailtrap:accountId`.
sending = mailtrap.ApiToken(
    "sending-token",
    name="ci-sending",
    resources=[mailtrap.ApiTokenPermissionArgs(resource_type="project", resource_id=project_id, access_level="viewer")],
    # Change this value (for example to a date) and run `pulumi up` to rotate the token.
    rotate=config.get("rotation") or "1",
)

pulumi.export("tokenId", sending.token_id)
pulumi.export("last4Digits", sending.last4_digits)
# A secret: `pulumi stack output token --show-secrets` prints it.
pulumi.export("token", sending.token)
