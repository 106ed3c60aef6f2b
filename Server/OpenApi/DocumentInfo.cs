using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.OpenApi;

/// <summary>The document's title, version (the build's, from Directory.Build.props) and a pointer to the rest of the docs.</summary>
internal sealed class DocumentInfo : IOpenApiDocumentTransformer
{
    public const string Title = "SignalRTicker HTTP API";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = Title;
        document.Info.Version = ProductVersion.Release;
        document.Info.Description =
            "Exchange an API key for a token, read instruments and their history, publish quotes, and manage keys and " +
            "instruments. Live quotes come from the SignalR hub at /hubs/ticker, described in docs/hub.md. Every refusal " +
            "is application/problem+json with a title and a detail.";
        document.Info.License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" };
        return Task.CompletedTask;
    }
}
