namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// Site templates for <see cref="NginxServer"/>: the http-context part of a configuration (what a conf.d file holds),
/// with placeholders the fixture fills: {{listen}}, {{upstream_servers}}, {{certificate}} and {{certificate_key}}.
/// </summary>
public static class NginxSite
{
    /// <summary>A reverse proxy to every upstream (round robin), with WebSocket upgrades and long-lived connections; TLS when asked.</summary>
    public static string ReverseProxy(bool tls) => $$$"""
        map $http_upgrade $connection_upgrade {
            default upgrade;
            ''      close;
        }

        upstream ticker {
            {{upstream_servers}}
        }

        server {
            listen {{listen}}{{{(tls ? " ssl" : "")}}};
        {{{(tls ? TlsSettings : "")}}}
            location / {
                proxy_pass http://ticker;
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection $connection_upgrade;
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_set_header X-Forwarded-Proto $scheme;
                proxy_buffering off;
                proxy_read_timeout 1h;
                proxy_send_timeout 1h;
            }
        }
        """;

    private const string TlsSettings = """
                ssl_certificate {{certificate}};
                ssl_certificate_key {{certificate_key}};
                ssl_protocols TLSv1.2 TLSv1.3;

        """;
}
