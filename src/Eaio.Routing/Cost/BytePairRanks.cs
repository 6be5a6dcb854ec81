using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Numerics;

namespace Eaio.Routing;

/// <summary>
/// The byte sequences of a tiktoken encoding and their ranks, in one array of bytes and two of integers, and the count
/// of the tokens a byte-pair merge makes of a piece (thread-safe once built).
/// </summary>
/// <remarks>
/// <para>
/// Microsoft.ML.Tokenizers' <c>TiktokenTokenizer</c> keeps an encoder, a decoder and a string vocabulary, one object per
/// token in each: 40 MB of retained managed heap and 73 MB of resident memory for <c>o200k_base</c>, measured in this
/// repository (docs/benchmarks.md), for a count that needs only the ranks; per encoding, in every process that counts
/// tokens (the gateway's memory against a peer's, issue 17). Here the same ranks take about 4 MB: every token's bytes in
/// one array, an open-addressed table of indices into it.
/// </para>
/// <para>
/// The merge is tiktoken's: repeatedly merge the adjacent pair whose concatenation has the lowest rank, the leftmost of
/// equals first, until no adjacent pair is a token. A min-heap of pairs keyed by (rank, position) gives that order in
/// O(n log n), so a long piece without a break (a run of thousands of letters) does not take quadratic time. A piece
/// that is itself a token counts as one, as the library counts it. The tests compare every count with the library's.
/// </para>
/// </remarks>
internal sealed class BytePairRanks
{
    // Pieces up to this many bytes are merged in stack memory.
    private const int StackBytes = 256;

    private readonly byte[] _bytes;
    private readonly int[] _starts;
    private readonly int[] _ranks;
    private readonly int[] _slots;
    private readonly int _shift;

    private BytePairRanks(byte[] bytes, int[] starts, int[] ranks)
    {
        _bytes = bytes;
        _starts = starts;
        _ranks = ranks;

        // At most half full, so that a miss (most pairs tried in a merge) ends after a probe or two.
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2 * ranks.Length, 16));
        _slots = new int[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        for (int entry = 0; entry < ranks.Length; entry++)
        {
            int slot = Slot(Bytes(entry));
            while (_slots[slot] != 0)
            {
                if (Bytes(_slots[slot] - 1).SequenceEqual(Bytes(entry)))
                {
                    throw new InvalidDataException($"The encoding lists the token of rank {ranks[entry]} twice.");
                }

                slot = (slot + 1) & (size - 1);
            }

            _slots[slot] = entry + 1;
        }

        for (int b = 0; b < 256; b++)
        {
            if (Rank([(byte)b]) < 0)
            {
                throw new InvalidDataException($"The encoding has no token for the byte {b}: a merge could not start.");
            }
        }
    }

    /// <summary>Gets the number of tokens.</summary>
    public int Count => _ranks.Length;

    /// <summary>
    /// Reads an encoding in tiktoken's format, one token a line in base64, followed by a space and its rank, or without a
    /// rank (then the line's place is the rank), as the library's data packages ship it after a <c>Capacity: N</c> line.
    /// </summary>
    /// <param name="tiktoken">The encoding's text.</param>
    /// <returns>The ranks.</returns>
    /// <exception cref="InvalidDataException">A line is not a base64 token and a rank, or a token is listed twice.</exception>
    public static BytePairRanks Load(Stream tiktoken)
    {
        ArgumentNullException.ThrowIfNull(tiktoken);

        // Read in chunks, line by line, rather than whole: the text is 3.6 MB for o200k_base, and a buffer of it (with
        // the copies a growing one makes) stayed behind as free space in the large object heap of every process.
        byte[] chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        Loader loader = new();
        try
        {
            int kept = 0;
            while (true)
            {
                if (kept == chunk.Length)
                {
                    throw new InvalidDataException($"Line {loader.Line + 1} of the encoding is longer than {chunk.Length} bytes.");
                }

                int read = tiktoken.Read(chunk, kept, chunk.Length - kept);
                int length = kept + read;
                if (read == 0)
                {
                    loader.AddLines(chunk.AsSpan(0, length));
                    break;
                }

                int end = chunk.AsSpan(0, length).LastIndexOf((byte)'\n') + 1;
                loader.AddLines(chunk.AsSpan(0, end));
                kept = length - end;
                chunk.AsSpan(end, kept).CopyTo(chunk);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return loader.Build();
    }

    /// <summary>Gets the rank of a byte sequence.</summary>
    /// <param name="token">The bytes.</param>
    /// <returns>The rank, or -1 when the sequence is not a token.</returns>
    public int Rank(ReadOnlySpan<byte> token)
    {
        for (int slot = Slot(token); ; slot = (slot + 1) & (_slots.Length - 1))
        {
            int entry = _slots[slot] - 1;
            if (entry < 0)
            {
                return -1;
            }

            if (Bytes(entry).SequenceEqual(token))
            {
                return _ranks[entry];
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/> with every token's bytes.</summary>
    /// <param name="visit">What to do with each.</param>
    public void ForEachToken(Action<ReadOnlySpan<byte>> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        for (int entry = 0; entry < _ranks.Length; entry++)
        {
            visit(Bytes(entry));
        }
    }

    /// <summary>Counts the tokens the byte-pair merge makes of a piece.</summary>
    /// <param name="piece">The piece's bytes.</param>
    /// <returns>The count: one for a piece that is a token, the piece's length at most.</returns>
    public int CountTokens(ReadOnlySpan<byte> piece)
    {
        int n = piece.Length;
        if (n <= 1 || Rank(piece) >= 0)
        {
            return Math.Min(n, 1);
        }

        int[]? rentedInts = null;
        long[]? rentedHeap = null;
        // Sized to the piece: stack memory is zeroed, and most pieces merged here are a few bytes long.
        Span<int> ints = n <= StackBytes ? stackalloc int[3 * n] : (rentedInts = ArrayPool<int>.Shared.Rent(3 * n));
        Span<long> heap = n <= StackBytes ? stackalloc long[3 * n] : (rentedHeap = ArrayPool<long>.Shared.Rent(3 * n));
        try
        {
            return Merge(piece, ints[..n], ints.Slice(n, n), ints.Slice(2 * n, n), heap);
        }
        finally
        {
            if (rentedInts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedInts);
                ArrayPool<long>.Shared.Return(rentedHeap!);
            }
        }
    }

    // Parts are identified by the offset of their first byte; next and prev link the live ones, pairRank holds the rank
    // of the pair a part starts (-1: none, or the part was merged away). Heap entries made stale by a merge are skipped
    // when they come up: their rank is no longer the pair's (a rank names one byte sequence, so equal rank means the
    // same pair).
    private int Merge(ReadOnlySpan<byte> piece, Span<int> next, Span<int> prev, Span<int> pairRank, Span<long> heap)
    {
        int n = piece.Length;
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            next[i] = i + 1;
            prev[i] = i - 1;
            pairRank[i] = i + 1 < n ? Rank(piece.Slice(i, 2)) : -1;
            if (pairRank[i] >= 0)
            {
                Push(heap, ref count, pairRank[i], i);
            }
        }

        int parts = n;
        while (count > 0)
        {
            long top = Pop(heap, ref count);
            int rank = (int)(top >> 32);
            int i = (int)top;
            if (pairRank[i] != rank)
            {
                continue;
            }

            int j = next[i];
            int k = next[j];
            next[i] = k;
            if (k < n)
            {
                prev[k] = i;
            }

            pairRank[j] = -1;
            parts--;

            pairRank[i] = k < n ? Rank(piece[i..next[k]]) : -1;
            if (pairRank[i] >= 0)
            {
                Push(heap, ref count, pairRank[i], i);
            }

            if (i > 0)
            {
                int p = prev[i];
                pairRank[p] = Rank(piece[p..k]);
                if (pairRank[p] >= 0)
                {
                    Push(heap, ref count, pairRank[p], p);
                }
            }
        }

        return parts;
    }

    private static void Push(Span<long> heap, ref int count, int rank, int position)
    {
        long item = ((long)rank << 32) | (uint)position;
        int at = count++;
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (heap[parent] <= item)
            {
                break;
            }

            heap[at] = heap[parent];
            at = parent;
        }

        heap[at] = item;
    }

    private static long Pop(Span<long> heap, ref int count)
    {
        long top = heap[0];
        long last = heap[--count];
        int at = 0;
        while (true)
        {
            int child = (2 * at) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && heap[child + 1] < heap[child])
            {
                child++;
            }

            if (last <= heap[child])
            {
                break;
            }

            heap[at] = heap[child];
            at = child;
        }

        heap[at] = last;
        return top;
    }

    /// <summary>The tokens read so far, in arrays grown as they fill and trimmed once at the end.</summary>
    private sealed class Loader
    {
        private byte[] _bytes = new byte[1 << 20];
        private int[] _starts = new int[1 << 16];
        private int[] _ranks = new int[1 << 16];
        private int _written;
        private int _count;

        public int Line { get; private set; }

        public void AddLines(ReadOnlySpan<byte> text)
        {
            while (!text.IsEmpty)
            {
                int end = text.IndexOf((byte)'\n');
                ReadOnlySpan<byte> row = (end < 0 ? text : text[..end]).TrimEnd((byte)'\r');
                text = end < 0 ? [] : text[(end + 1)..];
                Line++;
                if (!row.IsEmpty && !(Line == 1 && row.StartsWith("Capacity:"u8)))
                {
                    Add(row);
                }
            }
        }

        public BytePairRanks Build()
        {
            int[] starts = new int[_count + 1];
            _starts.AsSpan(0, _count).CopyTo(starts.AsSpan(1));
            return new BytePairRanks(_bytes.AsSpan(0, _written).ToArray(), starts, _ranks.AsSpan(0, _count).ToArray());
        }

        private void Add(ReadOnlySpan<byte> row)
        {
            int space = row.IndexOf((byte)' ');
            ReadOnlySpan<byte> token = space < 0 ? row : row[..space];
            if (_bytes.Length - _written < token.Length)
            {
                Array.Resize(ref _bytes, Math.Max(2 * _bytes.Length, _written + token.Length));
            }

            if (_count == _ranks.Length)
            {
                Array.Resize(ref _starts, 2 * _count);
                Array.Resize(ref _ranks, 2 * _count);
            }

            int rank = _count;
            if (Base64.DecodeFromUtf8(token, _bytes.AsSpan(_written), out _, out int decoded) != OperationStatus.Done
                || decoded == 0
                || (space >= 0 && (!Utf8Parser.TryParse(row[(space + 1)..], out rank, out int used) || used != row.Length - space - 1 || rank < 0)))
            {
                throw new InvalidDataException($"Line {Line} of the encoding is not a base64 token, optionally followed by a space and a rank.");
            }

            _written += decoded;
            _starts[_count] = _written;
            _ranks[_count++] = rank;
        }
    }

    private ReadOnlySpan<byte> Bytes(int entry) => _bytes.AsSpan(_starts[entry], _starts[entry + 1] - _starts[entry]);

    // Eight bytes at a time, multiplied in, then Fibonacci hashing to a slot.
    private int Slot(ReadOnlySpan<byte> token)
    {
        ulong hash = (ulong)token.Length * 0x9E3779B97F4A7C15UL;
        while (token.Length >= 8)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(token)) * 0xC2B2AE3D27D4EB4FUL;
            token = token[8..];
        }

        if (!token.IsEmpty)
        {
            ulong tail = 0;
            for (int i = 0; i < token.Length; i++)
            {
                tail |= (ulong)token[i] << (8 * i);
            }

            hash = (hash ^ tail) * 0xC2B2AE3D27D4EB4FUL;
        }

        return (int)(((hash ^ (hash >> 31)) * 0x9E3779B97F4A7C15UL) >> _shift);
    }
}
