using System.Text;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// <c>/healthz</c>'s body in a cluster: the status, as on one node, then one line per check that is not healthy,
/// with its reason, so an operator sees why a node is degraded.
/// </summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries)
        {
            if (entry.Status != HealthStatus.Healthy)
            {
                text.Append('\n').Append(name).Append(": ").Append(entry.Status).Append(": ").Append(entry.Description);
            }
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }
}
