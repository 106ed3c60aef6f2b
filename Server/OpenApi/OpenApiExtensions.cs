using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace SignalRTicker.Server.OpenApi;

public static class OpenApiExtensions
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/docs";

    /// <summary>
    /// The OpenAPI document, built by the framework from every endpoint's metadata (its typed results, its
    /// Produces/ProducesProblem declarations and its authorization), plus the Bearer scheme and the build's version.
    /// </summary>
    public static IHostApplicationBuilder AddTickerOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TickerOpenApiOptions>()
            .BindConfiguration(TickerOpenApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<DocumentInfo>();
            options.AddDocumentTransformer<BearerSecurityScheme>();
            options.AddOperationTransformer<AuthorizationResponses>();
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiDescriptionProvider, RequestDelegateDescriptions>());
        return builder;
    }

    /// <summary>
    /// <c>/openapi/v1.json</c> and the interactive reference at <c>/docs</c>, when <c>OpenApi:Enabled</c> allows
    /// (Development only, unless set). The reference's script is the copy inside the Scalar package, served from here:
    /// no CDN, so it works offline. Its fonts, telemetry and AI chat are off: each would send a visit, or the document,
    /// to Scalar's servers.
    /// </summary>
    public static IEndpointRouteBuilder MapTickerOpenApi(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<TickerOpenApiOptions>>().Value;
        if (!options.IsEnabledIn(app.ServiceProvider.GetRequiredService<IHostEnvironment>()))
        {
            return app;
        }

        app.MapOpenApi(); // its pattern, /openapi/{documentName}.json, is DocumentPath for our one document (v1)
        app.MapScalarApiReference(ReferencePath, scalar => scalar
            .WithTitle(DocumentInfo.Title)
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .AddPreferredSecuritySchemes(BearerSecurityScheme.Name));
        return app;
    }
}
