using Microsoft.AspNetCore.Http.Connections;

namespace SignalRTicker.Server.Auth;

public static class TicketBinding
{
    /// <summary>
    /// A negotiate authenticated by a ticket binds the ticket to the connection it created, before the client sees the
    /// answer (and can connect with it). The connection id is read from the negotiate response itself: SignalR offers
    /// no other way to learn it, and the response is small. Call after authorization.
    /// </summary>
    public static IApplicationBuilder UseTicketBinding(this IApplicationBuilder app)
    {
        var tickets = app.ApplicationServices.GetRequiredService<TicketStore>();
        return app.Use(async (context, next) =>
        {
            if (context.Features.Get<TicketUse>() is not { } use || !context.Request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            var body = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = body;
            }

            tickets.Bind(use, context.Response.StatusCode == StatusCodes.Status200OK ? ConnectionId(buffer) : null);
            buffer.Position = 0;
            await buffer.CopyToAsync(body, context.RequestAborted);
        });
    }

    /// <summary>The id later requests of the connection carry: its token (negotiate version 1) or its id (version 0).</summary>
    private static string? ConnectionId(MemoryStream negotiate)
    {
        try
        {
            var response = NegotiateProtocol.ParseResponse(negotiate.GetBuffer().AsSpan(0, (int)negotiate.Length));
            return response.Error is null ? response.ConnectionToken ?? response.ConnectionId : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
