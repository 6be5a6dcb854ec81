using System.Globalization;
using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary>
/// The gateway's own recent <c>/v1/responses</c> answers, per API key, so that a follow-up turn may name them instead of
/// sending them again: an <c>item_reference</c> to an output item (what the AI SDK sends by default), or a
/// <c>previous_response_id</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each entry is one response: its input items (the whole conversation the request carried, references resolved) and
/// its output items (message text and function calls as the client received them, restored), each kept as the UTF-8
/// JSON of the input item a client would send in its place. Replayed, they are parsed like the client's own items and go
/// through the router like them (scanned and masked before anything leaves).
/// </para>
/// <para>
/// Bounds: an entry lives for <see cref="Lifetime"/> after it was last used (sliding; <c>Gateway:Responses:StoreMinutes</c>,
/// 60 unless set, 0 keeps nothing); a key keeps at most <see cref="MaxPerKey"/> entries and the whole store at most
/// <see cref="MaxBytes"/> bytes of item JSON, the least recently used going first. Items shared between entries (a
/// referenced item, a previous response's history) are counted in each, so the memory held is at most the bound, plus a
/// few hundred bytes of bookkeeping per entry. Process memory only: lost on restart, not shared between gateway processes;
/// what it holds is the key's own data and goes nowhere but back into that key's requests.
/// </para>
/// </remarks>
internal sealed class ResponseStore
{
    /// <summary>Minutes an entry lives after its last use unless <c>Gateway:Responses:StoreMinutes</c> says otherwise.</summary>
    public const int DefaultStoreMinutes = 60;

    /// <summary>The most responses one key keeps unless a test says otherwise.</summary>
    public const int DefaultMaxPerKey = 1_000;

    /// <summary>The most item JSON the store keeps unless a test says otherwise: 64 MiB.</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary>The setting that sets <see cref="Lifetime"/>, in whole minutes.</summary>
    public const string StoreMinutesSetting = "Gateway:Responses:StoreMinutes";

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _responses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Entry Entry, byte[] Item)> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, int Key), LinkedList<Entry>> _byKey = [];

    // Every entry, the most recently used first: the expired and the evicted are always at the end.
    private readonly LinkedList<Entry> _recent = new();
    private long _bytes;

    /// <summary>Initializes a new instance of the <see cref="ResponseStore"/> class.</summary>
    /// <param name="lifetime">How long an entry lives after its last use; <see cref="TimeSpan.Zero"/> keeps nothing.</param>
    /// <param name="time">The clock.</param>
    /// <param name="maxPerKey">The most entries one key keeps.</param>
    /// <param name="maxBytes">The most item JSON, in bytes, the store keeps.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is negative, or zero where an entry must fit.</exception>
    public ResponseStore(TimeSpan lifetime, TimeProvider time, int maxPerKey = DefaultMaxPerKey, long maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerKey, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        Lifetime = lifetime;
        _time = time;
        MaxPerKey = maxPerKey;
        MaxBytes = maxBytes;
    }

    /// <summary>Gets how long an entry lives after it was last used; zero when the store keeps nothing.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Gets the most entries one key keeps.</summary>
    public int MaxPerKey { get; }

    /// <summary>Gets the most item JSON, in bytes, the store keeps.</summary>
    public long MaxBytes { get; }

    /// <summary>Gets whether the store keeps responses at all.</summary>
    public bool Enabled => Lifetime > TimeSpan.Zero;

    /// <summary>Gets how many responses are kept now (expired ones included until the next call purges them).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _responses.Count;
            }
        }
    }

    /// <summary>Gets the lifetime as the messages say it: <c>60 minutes</c>.</summary>
    public string LifetimeText => Lifetime.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture) + " minutes";

    /// <summary>Reads <c>Gateway:Responses:StoreMinutes</c>.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The lifetime of a kept response.</returns>
    /// <exception cref="EaioConfigurationException">The setting is not a whole number from 0 to 10,080 (a week).</exception>
    public static TimeSpan ReadLifetime(IConfiguration configuration)
    {
        string? text = configuration[StoreMinutesSetting];
        int minutes = DefaultStoreMinutes;
        if (!string.IsNullOrWhiteSpace(text) && !(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out minutes) && minutes <= 10_080))
        {
            throw new EaioConfigurationException([$"{StoreMinutesSetting} is '{text}'; allowed: a whole number of minutes from 0 (keep no responses) to 10080 (a week)."]);
        }

        return TimeSpan.FromMinutes(minutes);
    }

    /// <summary>Keeps one response of a key; does nothing when the store is off or the response alone exceeds <see cref="MaxBytes"/>.</summary>
    /// <param name="key">The key the response was served to.</param>
    /// <param name="responseId">The response's id (<c>resp_…</c>).</param>
    /// <param name="input">The request's input items as JSON, references resolved (not its instructions).</param>
    /// <param name="output">The output items' ids and their JSON as input items.</param>
    /// <returns>Whether the response was kept.</returns>
    public bool Remember(GatewayKey key, string responseId, IReadOnlyList<byte[]> input, IReadOnlyList<(string Id, byte[] Item)> output)
    {
        long bytes = input.Sum(i => (long)i.Length) + output.Sum(o => (long)o.Item.Length);
        if (!Enabled || bytes > MaxBytes)
        {
            return false;
        }

        lock (_lock)
        {
            DateTimeOffset now = _time.GetUtcNow();
            Purge(now);
            (string, int) owner = (key.Tenant, key.Index);
            Entry entry = new(owner, responseId, input, output, bytes) { LastUsed = now };
            if (!_byKey.TryGetValue(owner, out LinkedList<Entry>? mine))
            {
                _byKey[owner] = mine = new LinkedList<Entry>();
            }

            entry.RecentNode = _recent.AddFirst(entry);
            entry.KeyNode = mine.AddFirst(entry);
            _responses[responseId] = entry;
            foreach ((string id, byte[] item) in output)
            {
                _items[id] = (entry, item);
            }

            _bytes += bytes;
            while (mine.Count > MaxPerKey)
            {
                Remove(mine.Last!.Value);
            }

            while (_bytes > MaxBytes)
            {
                Remove(_recent.Last!.Value);
            }

            return true;
        }
    }

    /// <summary>Finds an output item of one of the key's kept responses and renews that response's lifetime.</summary>
    /// <param name="key">The asking key: another key's items are not found.</param>
    /// <param name="itemId">The item's id (<c>msg_…</c>, <c>fc_…</c>).</param>
    /// <returns>The item as the JSON of an input item, or <see langword="null"/>.</returns>
    public byte[]? FindItem(GatewayKey key, string itemId)
    {
        lock (_lock)
        {
            return _items.TryGetValue(itemId, out (Entry Entry, byte[] Item) found) && Use(found.Entry, key) ? found.Item : null;
        }
    }

    /// <summary>Finds one of the key's kept responses and renews its lifetime.</summary>
    /// <param name="key">The asking key: another key's responses are not found.</param>
    /// <param name="responseId">The response's id.</param>
    /// <returns>Its input items then its output items, as the JSON of input items; or <see langword="null"/>.</returns>
    public IReadOnlyList<byte[]>? FindConversation(GatewayKey key, string responseId)
    {
        lock (_lock)
        {
            return _responses.TryGetValue(responseId, out Entry? entry) && Use(entry, key)
                ? [.. entry.Input, .. entry.Output.Select(o => o.Item)]
                : null;
        }
    }

    /// <summary>Whether an entry belongs to the key and is alive; if so, it was just used.</summary>
    private bool Use(Entry entry, GatewayKey key)
    {
        if (entry.Owner != (key.Tenant, key.Index))
        {
            return false;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (now - entry.LastUsed >= Lifetime)
        {
            Purge(now);
            return false;
        }

        entry.LastUsed = now;
        _recent.Remove(entry.RecentNode!);
        _recent.AddFirst(entry.RecentNode!);
        LinkedList<Entry> mine = _byKey[entry.Owner];
        mine.Remove(entry.KeyNode!);
        mine.AddFirst(entry.KeyNode!);
        return true;
    }

    private void Purge(DateTimeOffset now)
    {
        while (_recent.Last is { } last && now - last.Value.LastUsed >= Lifetime)
        {
            Remove(last.Value);
        }
    }

    private void Remove(Entry entry)
    {
        _recent.Remove(entry.RecentNode!);
        LinkedList<Entry> mine = _byKey[entry.Owner];
        mine.Remove(entry.KeyNode!);
        if (mine.Count == 0)
        {
            _byKey.Remove(entry.Owner);
        }

        _responses.Remove(entry.Id);
        foreach ((string id, _) in entry.Output)
        {
            _items.Remove(id);
        }

        _bytes -= entry.Bytes;
    }

    private sealed class Entry((string Tenant, int Key) owner, string id, IReadOnlyList<byte[]> input, IReadOnlyList<(string Id, byte[] Item)> output, long bytes)
    {
        public (string Tenant, int Key) Owner { get; } = owner;

        public string Id { get; } = id;

        public IReadOnlyList<byte[]> Input { get; } = input;

        public IReadOnlyList<(string Id, byte[] Item)> Output { get; } = output;

        public long Bytes { get; } = bytes;

        public DateTimeOffset LastUsed { get; set; }

        public LinkedListNode<Entry>? RecentNode { get; set; }

        public LinkedListNode<Entry>? KeyNode { get; set; }
    }
}
