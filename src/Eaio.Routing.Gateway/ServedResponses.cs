namespace Eaio.Routing.Gateway;

/// <summary>
/// The responses the gateway served recently, by the id the client holds: each one's tenant and feedback ticket, so the
/// tenant can score it later (thread-safe).
/// </summary>
/// <remarks>
/// Every entry lives equally long, so the oldest is always the next to expire or to make room: a queue in serving order
/// beside a dictionary by id is all the bookkeeping, about 250 bytes an entry with the ids' strings. The
/// <c>MemoryCache</c> of whole responses this replaces held about 1.5 KB an entry (the response, its route decision and
/// plan, the cache's own entry): 45 MB after 30,000 requests, the gateway's memory growing by that until the day's
/// lifetime or the capacity (docs/benchmarks.md, issue 17).
/// </remarks>
internal sealed class ServedResponses
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Served> _byId = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, Served Entry)> _order = new();

    /// <summary>Initializes a new instance of the <see cref="ServedResponses"/> class.</summary>
    /// <param name="lifetime">How long a response can be found after it was served.</param>
    /// <param name="capacity">How many responses are kept at most; the oldest go first.</param>
    /// <param name="time">The clock.</param>
    public ServedResponses(TimeSpan lifetime, int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Lifetime = lifetime;
        Capacity = capacity;
        _time = time;
    }

    /// <summary>Gets how long a response can be found after it was served.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Gets how many responses are kept at most.</summary>
    public int Capacity { get; }

    /// <summary>Gets how many responses are kept now (expired ones included until the next call drops them).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Keeps a served response; an id served again replaces its entry.</summary>
    /// <param name="id">The id the client holds.</param>
    /// <param name="tenant">The tenant it was served to.</param>
    /// <param name="ticket">What scoring it needs.</param>
    public void Add(string id, string tenant, RoutingFeedbackTicket ticket)
    {
        long now = _time.GetTimestamp();
        Served entry = new(tenant, ticket, now);
        lock (_lock)
        {
            DropExpired(now);
            // By the queue's length, which holds every entry the dictionary does (and an id's older entries while they
            // last), so both stay within the capacity.
            while (_order.Count >= Capacity && _order.TryDequeue(out (string Id, Served Entry) oldest))
            {
                Forget(oldest);
            }

            _byId[id] = entry;
            _order.Enqueue((id, entry));
        }
    }

    /// <summary>Finds a response served to a tenant within the lifetime.</summary>
    /// <param name="id">The id the client holds.</param>
    /// <param name="tenant">The tenant asking.</param>
    /// <returns>The response's ticket, or <see langword="null"/> when it is unknown, expired or another tenant's.</returns>
    public RoutingFeedbackTicket? Find(string id, string tenant)
    {
        long now = _time.GetTimestamp();
        lock (_lock)
        {
            DropExpired(now);
            return _byId.TryGetValue(id, out Served? entry) && string.Equals(entry.Tenant, tenant, StringComparison.Ordinal) ? entry.Ticket : null;
        }
    }

    private void DropExpired(long now)
    {
        while (_order.TryPeek(out (string Id, Served Entry) oldest) && _time.GetElapsedTime(oldest.Entry.ServedAt, now) >= Lifetime)
        {
            Forget(_order.Dequeue());
        }
    }

    // An id served again has a newer entry in the dictionary than the one leaving the queue: that one stays.
    private void Forget((string Id, Served Entry) oldest)
    {
        if (_byId.TryGetValue(oldest.Id, out Served? current) && ReferenceEquals(current, oldest.Entry))
        {
            _byId.Remove(oldest.Id);
        }
    }

    private sealed record Served(string Tenant, RoutingFeedbackTicket Ticket, long ServedAt);
}
