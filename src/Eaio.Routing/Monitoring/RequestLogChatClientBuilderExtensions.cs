using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing;

/// <summary>Adds <see cref="RequestLogChatClient"/> to a chat pipeline.</summary>
public static class RequestLogChatClientBuilderExtensions
{
    /// <summary>Logs every call for the optimisation report and measures it in the <c>eaio.*</c> metrics.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="requestLog">The log; the registered <see cref="IRequestLog"/> when <see langword="null"/>, else metrics only.</param>
    /// <param name="configure">Configures the client.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseRequestLog(this ChatClientBuilder builder, IRequestLog? requestLog = null, Action<RequestLogChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            RequestLogChatClient client = new(inner, requestLog ?? services.GetService<IRequestLog>(), services.GetService<TimeProvider>());
            configure?.Invoke(client);
            return client;
        });
    }
}
