using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Settings;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Auth;

/// <summary>
/// In Development, fills a missing <c>Auth:SigningKey</c> with a random key kept in the data folder (so tokens
/// survive restarts); everywhere, refuses to start without a usable one.
/// </summary>
internal sealed class AuthOptionsSetup(IHostEnvironment environment, DataFolder dataFolder)
    : IPostConfigureOptions<AuthOptions>, IValidateOptions<AuthOptions>
{
    public const int MinimumKeyBytes = 32;
    private const string DevelopmentKeyFile = "signing-key.development";

    public void PostConfigure(string? name, AuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey) && environment.IsDevelopment())
        {
            options.SigningKey = LoadOrCreateDevelopmentKey();
        }
    }

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return ValidateOptionsResult.Fail(
                "Auth:SigningKey is not set. Set it to a base64 key of at least 256 bits, e.g. the output of " +
                "`openssl rand -base64 32`, through the environment variable Auth__SigningKey or a secret store.");
        }

        if (SigningKeys.TryDecode(options.SigningKey) is not { Length: >= MinimumKeyBytes })
        {
            return ValidateOptionsResult.Fail(
                $"Auth:SigningKey must be base64 and decode to at least {MinimumKeyBytes} bytes (256 bits).");
        }

        for (var i = 0; i < options.PreviousSigningKeys.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(options.PreviousSigningKeys[i])
                && SigningKeys.TryDecode(options.PreviousSigningKeys[i]) is not { Length: >= MinimumKeyBytes })
            {
                return ValidateOptionsResult.Fail(
                    $"Auth:PreviousSigningKeys:{i} must be base64 and decode to at least {MinimumKeyBytes} bytes (256 bits).");
            }
        }

        return ValidateOptionsResult.Success;
    }

    private string LoadOrCreateDevelopmentKey()
    {
        var file = Path.Combine(dataFolder.Path, DevelopmentKeyFile);
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        dataFolder.Create();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumKeyBytes));
        try
        {
            File.WriteAllText(file, key);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException(DataFolder.SettingKey,
                $"the development signing key cannot be written to the data folder '{dataFolder.Path}': {failure.Message}", failure);
        }

        return key;
    }
}
