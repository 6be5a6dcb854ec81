using Microsoft.Extensions.AI;

namespace Eaio.Routing.Tests;

/// <summary>Calls the protocol tests make against a real SDK client, streaming or not, keeping what came back and how it ended.</summary>
internal static class ProtocolCalls
{
    public static async Task CallAsync(IChatClient client, IEnumerable<ChatMessage> messages, bool stream, ChatOptions? options, CancellationToken cancellationToken)
    {
        if (stream)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(messages, options, cancellationToken);
        }
    }

    /// <summary>Collects the updates of a streaming call and the exception that ended it, if any.</summary>
    public static async Task<(List<ChatResponseUpdate> Updates, Exception? Error)> StreamAsync(IChatClient client, IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        var error = await CatchAsync(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, null, cancellationToken))
            {
                updates.Add(update);
            }
        });
        return (updates, error);
    }

    public static async Task<Exception?> CatchAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    public static string[] Texts(List<ChatResponseUpdate> updates) => [.. updates.Select(u => u.Text)];

    public static List<UsageDetails> Usages(List<ChatResponseUpdate> updates) =>
        [.. updates.SelectMany(u => u.Contents.OfType<UsageContent>()).Select(u => u.Details)];
}
