using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// A self-signed server certificate for 127.0.0.1, ::1 and localhost, made in memory for one test. Servers read it as
/// PEM files (<see cref="WritePem"/>); .NET clients trust exactly this certificate and nothing else (<see cref="CreateHandler"/>,
/// <see cref="TrustIn"/> for the SignalR client).
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private TestCertificate(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The certificate with its private key (Kestrel can serve it directly).</summary>
    public X509Certificate2 Certificate { get; }

    public static TestCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificate(request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1)));
    }

    /// <summary>Writes cert.pem and key.pem (PKCS#8, readable by its owner only) into <paramref name="folder"/>.</summary>
    public (string CertificatePath, string KeyPath) WritePem(string folder)
    {
        var certificatePath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        File.WriteAllText(certificatePath, Certificate.ExportCertificatePem());
        using var key = Certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no private key.");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return (certificatePath, keyPath);
    }

    /// <summary>A handler whose TLS trusts this certificate as its only root (the host name is still checked), for HttpClient and ClientWebSocket.</summary>
    public SocketsHttpHandler CreateHandler() => new() { SslOptions = { CertificateChainPolicy = TrustPolicy() } };

    /// <summary>
    /// Makes the official SignalR client trust this certificate alone: its WebSocket transport opens its own socket
    /// rather than using the handler factory, so it needs the validation callback as well.
    /// </summary>
    public void TrustIn(HttpConnectionOptions options)
    {
        options.HttpMessageHandlerFactory = _ => CreateHandler();
        options.WebSocketConfiguration = webSocket => webSocket.RemoteCertificateValidationCallback = Validate;
    }

    /// <summary>A TLS validation callback that accepts this certificate for its names and nothing else.</summary>
    public bool Validate(object sender, X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (presented is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var trusted = new X509Chain { ChainPolicy = TrustPolicy() };
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        return trusted.Build(certificate);
    }

    public void Dispose() => Certificate.Dispose();

    private X509ChainPolicy TrustPolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        CustomTrustStore = { Certificate },
        RevocationMode = X509RevocationMode.NoCheck,
    };
}
