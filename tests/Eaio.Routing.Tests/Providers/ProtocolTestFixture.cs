using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// What the protocol tests share: a time bound on every SDK call, disposal of the clients a test creates, and the calls
/// they make against a real SDK client, streaming or not, keeping what came back and how it ended.
/// </summary>
public abstract class ProtocolTestFixture
{
    /// <summary>The one-message conversation every protocol test sends.</summary>
    private protected static readonly ChatMessage[] s_messages = [new(ChatRole.User, "Hello")];

    private readonly List<IDisposable> _disposables = [];
    private CancellationTokenSource _testTimeout = null!;

    /// <summary>Bounds every SDK call of a test.</summary>
    private protected CancellationToken Ct => _testTimeout.Token;

    [SetUp]
    public void SetUpTimeout() => _testTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

    [TearDown]
    public void DisposeTracked()
    {
        foreach (IDisposable d in _disposables)
        {
            d.Dispose();
        }

        _disposables.Clear();
        _testTimeout.Dispose();
    }

    /// <summary>Disposes <paramref name="disposable"/> when the test ends.</summary>
    private protected T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private protected Task CallAsync(IChatClient client, bool stream) => CallAsync(client, stream, null, Ct);

    private protected static async Task CallAsync(IChatClient client, bool stream, ChatOptions? options, CancellationToken cancellationToken)
    {
        if (stream)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(s_messages, options, cancellationToken))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(s_messages, options, cancellationToken);
        }
    }

    /// <summary>Collects the updates of a streaming call and the exception that ended it, if any.</summary>
    private protected static async Task<(List<ChatResponseUpdate> Updates, Exception? Error)> StreamAsync(IChatClient client, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        var error = await CatchAsync(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(s_messages, null, cancellationToken))
            {
                updates.Add(update);
            }
        });
        return (updates, error);
    }

    private protected static async Task<Exception?> CatchAsync(Func<Task> action)
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

    private protected static string[] Texts(List<ChatResponseUpdate> updates) => [.. updates.Select(u => u.Text)];

    private protected static List<UsageDetails> Usages(List<ChatResponseUpdate> updates) =>
        [.. updates.SelectMany(u => u.Contents.OfType<UsageContent>()).Select(u => u.Details)];
}
