namespace Eaio.Routing.Tests;

/// <summary>What every loopback provider server offers a test: the requests it saw and the replies it will give.</summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private protected LoopbackServer(LoopbackHost host) => Host = host;

    /// <summary>The base address to point the provider's SDK at.</summary>
    public abstract Uri BaseUri { get; }

    /// <summary>Every request received, in arrival order; a snapshot.</summary>
    public IReadOnlyList<LoopbackRequest> Requests => Host.Requests;

    /// <summary>Number of chat requests received.</summary>
    public int ChatRequestCount => Host.ChatRequestCount;

    /// <summary>Reply used when the queue is empty and <see cref="Responder"/> is null.</summary>
    public LoopbackReply DefaultReply
    {
        get => Host.DefaultReply;
        set => Host.DefaultReply = value;
    }

    /// <summary>Chooses a reply per request when the queue is empty.</summary>
    public Func<LoopbackRequest, LoopbackReply>? Responder
    {
        get => Host.Responder;
        set => Host.Responder = value;
    }

    private protected LoopbackHost Host { get; }

    /// <summary>Replies served first, one per chat request, in order.</summary>
    public void Enqueue(params LoopbackReply[] replies) => Host.Enqueue(replies);

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Host.DisposeAsync();
    }
}
