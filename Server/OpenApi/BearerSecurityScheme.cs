using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SignalRTicker.Server.OpenApi;

/// <summary>The one way to authenticate: a JWT from <c>POST /api/auth/token</c> in the Authorization header.</summary>
internal sealed class BearerSecurityScheme : IOpenApiDocumentTransformer
{
    public const string Name = JwtBearerDefaults.AuthenticationScheme;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Name] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /api/auth/token (send your API key as {\"apiKey\": \"stk_...\"}), " +
                "sent as 'Authorization: Bearer <token>'. It expires after Auth:TokenLifetime; DELETE /api/auth/token revokes it.",
        };
        return Task.CompletedTask;
    }
}
