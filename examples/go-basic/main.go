// One Mailtrap API token declared in Go, through the native provider pulumi-resource-mailtrap: the
// Go counterpart of examples/python-basic.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/mailtrap-tokens/pulumi-mailtrap-tokens/sdk/go/mailtrap"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		// The Mailtrap project the token may read (its id is in the project's URL in Mailtrap).
		// Required, with no default: a made-up id would ask Mailtrap for a project that is not yours.
		projectID := cfg.RequireInt("projectId")
		rotation := cfg.Get("rotation")
		if rotation == "" {
			rotation = "1"
		}

		// A token that can read one project; the account comes from `mailtrap:accountId`.
		sending, err := mailtrap.NewApiToken(ctx, "sending-token", &mailtrap.ApiTokenArgs{
			Name: pulumi.String("ci-sending"),
			Resources: mailtrap.ApiTokenPermissionArray{
				mailtrap.ApiTokenPermissionArgs{
					ResourceType: mailtrap.ResourceTypeProject,
					ResourceId:   pulumi.Int(projectID),
					AccessLevel:  mailtrap.AccessLevelViewer,
				},
			},
			// Change this value (for example to a date) and run `pulumi up` to rotate the token.
			Rotate: pulumi.String(rotation),
		})
		if err != nil {
			return err
		}

		ctx.Export("tokenId", sending.TokenId)
		ctx.Export("last4Digits", sending.Last4Digits)
		// A secret: `pulumi stack output token --show-secrets` prints it.
		ctx.Export("token", sending.Token)
		return nil
	})
}
