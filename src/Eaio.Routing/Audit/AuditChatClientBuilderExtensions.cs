using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>Adds <see cref="AuditChatClient"/> to a chat pipeline.</summary>
public static class AuditChatClientBuilderExtensions
{
    /// <summary>Records every call in an audit log.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="auditLog">The log; the registered <see cref="IAuditLog"/> when <see langword="null"/>.</param>
    /// <param name="hmacKey">The hash key; the registered <see cref="EaioHybridChatOptions.AuditHmacKey"/> when <see langword="null"/>, else
    /// a random key made when the pipeline is built (hashes then cannot be compared across restarts).</param>
    /// <param name="configure">Configures the client.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No log is passed and none is registered (thrown when the pipeline is built).</exception>
    public static ChatClientBuilder UseAudit(this ChatClientBuilder builder, IAuditLog? auditLog = null, byte[]? hmacKey = null, Action<AuditChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            AuditChatClient client = new(
                inner,
                auditLog ?? services.GetService<IAuditLog>()
                    ?? throw new InvalidOperationException("UseAudit needs an audit log: pass one, or register an IAuditLog (for example SqliteAuditLog or InMemoryAuditLog)."),
                hmacKey ?? KeyOf(services.GetService<EaioHybridChatOptions>()),
                services.GetService<TimeProvider>(),
                services.GetService<ILoggerFactory>()?.CreateLogger<AuditChatClient>());
            configure?.Invoke(client);
            return client;
        });
    }

    /// <summary>The configured <c>AUDIT_HMAC_KEY</c>, or a random key when none is set.</summary>
    internal static byte[] KeyOf(EaioHybridChatOptions? options) => ConfiguredKeyOf(options) ?? RandomNumberGenerator.GetBytes(32);

    /// <summary>The configured <c>AUDIT_HMAC_KEY</c>, or <see langword="null"/>: the chain's key, never a random one, which
    /// would make every record written before a restart look forged after it.</summary>
    internal static byte[]? ConfiguredKeyOf(EaioHybridChatOptions? options) =>
        options?.AuditHmacKey is { } key ? Encoding.UTF8.GetBytes(key) : null;
}
