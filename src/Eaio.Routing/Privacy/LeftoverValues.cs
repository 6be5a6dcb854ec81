using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Eaio.Routing;

/// <summary>Finds any of a call's masked originals, as a whole word and in any case, in the text that leaves.</summary>
/// <remarks>
/// <para>
/// Built once per call over the values masking replaced (82 for the 8 KB benchmark payload), then run over every text
/// of the payload, so both building and searching are on the request's path. A multi-string <c>SearchValues</c>
/// searched fast but cost 80 µs and 70 KB to build. This index keys the values by their first four characters, folded
/// as <see cref="StringComparison.OrdinalIgnoreCase"/> folds them; the search visits only the places where a value can
/// start (after a character that is no letter or digit, with a character some value starts with), sixteen characters at
/// a time, and compares whole values only where the first four characters agree. Before, every place after a
/// non-letter was compared with every value sharing its first character: about 23 µs on the 8 KB payload. The payload's
/// values start with letters that also start many English words ("to", "and", "energy"); comparing first characters
/// folded (one comparison for both cases) and ruling places out by their first two characters took the search of the
/// 8 KB payload from 5.5 to 3.9 µs (LeftoverValuesTests holds it to a plain search).
/// </para>
/// <para>
/// Values shorter than four characters ("Fox", a card fragment) are not looked for: they would match inside ordinary
/// text. The detectors still cover them.
/// </para>
/// </remarks>
internal sealed class LeftoverValues
{
    // The values sorted by the key of their first four characters, and those keys; an open-addressed table from each
    // distinct key to its first index finds a place's candidates in a probe or two. Sorting two arrays and filling one
    // table cost less than a dictionary of lists for the 82 values of the 8 KB payload, and a probe less than a lookup.
    private readonly ulong[] _keys;
    private readonly List<string> _values;
    private readonly int[] _slots;
    private readonly int _slotShift;

    // The characters a value starts with, folded with 0x20 (a letter's two cases alike), when they are few enough to compare sixteen places at once
    // (the usual case: a payload's values start with few different characters); otherwise null, and a bit table decides.
    private readonly char[]? _firstCharacters;

    // Bit c of the table is set when some value starts with the ASCII character c (either case); a value starting with
    // a character beyond ASCII sets _anyBeyondAscii.
    private readonly ulong _firstLow;
    private readonly ulong _firstHigh;
    private readonly bool _anyBeyondAscii;

    // Bit (a << 4 | b) of the four words is set when some value starts with two ASCII characters of the buckets a and b
    // (PairBucket: four bits, a letter's two cases alike), or every bit when a value starts beyond ASCII. Most places a
    // value could start by its first character alone are the first letters of ordinary words ("to", "and", "energy"): a
    // look at the second character rules out most of them before four characters are folded and hashed. Four fields, not
    // an array: the 200-character call's allocations are held to 8 KB (issue 15), and an array's header and a larger
    // table cost 160 bytes a call.
    private readonly ulong _pairs0;
    private readonly ulong _pairs1;
    private readonly ulong _pairs2;
    private readonly ulong _pairs3;

    private LeftoverValues(List<string> values)
    {
        // The list Create made is kept and sorted where it lies, rather than copied into an array of its own.
        _values = values;
        _keys = new ulong[_values.Count];
        for (int i = 0; i < _values.Count; i++)
        {
            _keys[i] = PrefixKey(_values[i]);
        }

        _keys.AsSpan().Sort(CollectionsMarshal.AsSpan(_values));

        // At most a quarter full, so a probe sequence stays short; a slot holds 1 + the index of its key's first value.
        int bits = Math.Max(3, BitOperations.Log2((uint)_values.Count) + 3);
        _slots = new int[1 << bits];
        _slotShift = 64 - bits;
        for (int i = 0; i < _keys.Length; i++)
        {
            if (i == 0 || _keys[i] != _keys[i - 1])
            {
                int slot = Slot(_keys[i]);
                while (_slots[slot] != 0)
                {
                    slot = (slot + 1) & (_slots.Length - 1);
                }

                _slots[slot] = i + 1;
            }
        }

        foreach (string value in _values)
        {
            if (value[0] >= 128 || value[1] >= 128)
            {
                _pairs0 = _pairs1 = _pairs2 = _pairs3 = ulong.MaxValue;
                break;
            }

            int pair = (PairBucket(value[0]) << 4) | PairBucket(value[1]);
            ulong bit = 1UL << pair;
            _pairs0 |= pair >> 6 == 0 ? bit : 0;
            _pairs1 |= pair >> 6 == 1 ? bit : 0;
            _pairs2 |= pair >> 6 == 2 ? bit : 0;
            _pairs3 |= pair >> 6 == 3 ? bit : 0;
        }

        Span<char> distinct = stackalloc char[16];
        int distinctCount = 0;
        foreach (string value in _values)
        {
            char first = value[0];
            if (first >= 128)
            {
                _anyBeyondAscii = true;
                distinctCount = int.MaxValue;
                continue;
            }

            foreach (char c in (ReadOnlySpan<char>)[char.ToUpperInvariant(first), char.ToLowerInvariant(first)])
            {
                ulong bit = c < 64 ? 1UL << c : 1UL << (c - 64);
                ref ulong half = ref c < 64 ? ref _firstLow : ref _firstHigh;
                half |= bit;
            }

            // Compared as the search folds a place (c | 0x20): one comparison for both cases of a letter.
            char folded = (char)(first | 0x20);
            if (distinctCount < distinct.Length && !distinct[..distinctCount].Contains(folded))
            {
                distinct[distinctCount++] = folded;
            }
            else if (distinctCount == distinct.Length && !distinct.Contains(folded))
            {
                distinctCount = int.MaxValue;
            }
        }

        if (distinctCount <= distinct.Length)
        {
            // Kept as characters and broadcast where they are compared: an array of vectors took 32 bytes a character.
            _firstCharacters = distinct[..distinctCount].ToArray();
        }
    }

    /// <summary>Builds the index of a call's masked originals, or returns <see langword="null"/> when none is long enough.</summary>
    /// <param name="originals">The values masking replaced.</param>
    /// <returns>The index, or <see langword="null"/>.</returns>
    public static LeftoverValues? Create(IReadOnlyCollection<string>? originals)
    {
        if (originals is not { Count: > 0 })
        {
            return null;
        }

        // Arguments and results are checked as the JSON that leaves, where a value with a quote, a backslash or a line
        // break (a PEM key, a multi-line address) is written escaped: both forms are looked for. Only such a value (or
        // one outside printable ASCII) is encoded: encoding all 82 values of an 8 KB payload cost 30 µs.
        // A value found twice is kept twice: it costs a comparison at a place it starts, less than a set costs to fill.
        List<string> values = new(originals.Count);
        foreach (string original in originals)
        {
            string value = original.Trim();
            if (value.Length < 4)
            {
                continue;
            }

            values.Add(value);
            if (value.AsSpan().ContainsAnyExceptInRange(' ', '~') || value.AsSpan().ContainsAny('"', '\\'))
            {
                string escaped = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
                if (escaped != value)
                {
                    values.Add(escaped);
                }
            }
        }

        return values.Count == 0 ? null : new LeftoverValues(values);
    }

    /// <summary>Whether any value is in <paramref name="text"/> as a whole word: "Anna" does not block "Annabelle", nor "test" "testing".</summary>
    /// <param name="text">A text of the payload.</param>
    /// <returns><see langword="true"/> when a value is found.</returns>
    public bool Contains(ReadOnlySpan<char> text)
    {
        if (text.Length < 4)
        {
            return false;
        }

        if (MayStartAt(text[0]) && AnyAt(text, 0))
        {
            return true;
        }

        int i = 1;
        if (Vector256.IsHardwareAccelerated && text.Length > Vector256<ushort>.Count)
        {
            ref ushort chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            for (; i <= text.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                Vector256<ushort> previous = Vector256.LoadUnsafe(ref chars, (nuint)(i - 1));

                // Beyond ASCII, whether a character is a letter or digit takes Unicode's tables: those blocks go one
                // character at a time.
                if (Vector256.GreaterThanAny(previous, Vector256.Create((ushort)127)))
                {
                    for (int k = i; k < i + Vector256<ushort>.Count; k++)
                    {
                        if (!char.IsLetterOrDigit(text[k - 1]) && MayStartAt(text[k]) && AnyAt(text, k))
                        {
                            return true;
                        }
                    }

                    continue;
                }

                Vector256<ushort> starts = ~AsciiVectors.IsLetterOrDigit(previous);
                if (_firstCharacters is not null)
                {
                    // Folded as the characters were: a letter's two cases become one, and a place that only looks
                    // like a first character here (a control character, '@' as '`') is ruled out by MayStartAt.
                    Vector256<ushort> current = Vector256.LoadUnsafe(ref chars, (nuint)i) | Vector256.Create((ushort)0x20);
                    Vector256<ushort> first = Vector256<ushort>.Zero;
                    foreach (char character in _firstCharacters)
                    {
                        first |= Vector256.Equals(current, Vector256.Create((ushort)character));
                    }

                    starts &= first;
                }

                uint bits = starts.ExtractMostSignificantBits();
                while (bits != 0)
                {
                    int at = i + BitOperations.TrailingZeroCount(bits);
                    if (MayStartAt(text[at]) && AnyAt(text, at))
                    {
                        return true;
                    }

                    bits &= bits - 1;
                }
            }
        }

        for (; i < text.Length; i++)
        {
            if (!char.IsLetterOrDigit(text[i - 1]) && MayStartAt(text[i]) && AnyAt(text, i))
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool MayStartAt(char c) => c switch
    {
        < (char)64 => (_firstLow & (1UL << c)) != 0,
        < (char)128 => (_firstHigh & (1UL << (c - 64))) != 0,
        _ => _anyBeyondAscii,
    };

    private bool AnyAt(ReadOnlySpan<char> text, int start)
    {
        if (start + 4 > text.Length)
        {
            return false;
        }

        char first = text[start];
        char second = text[start + 1];
        if ((first | second) < 128)
        {
            int pair = (PairBucket(first) << 4) | PairBucket(second);
            ulong words = (pair >> 6) switch { 0 => _pairs0, 1 => _pairs1, 2 => _pairs2, _ => _pairs3 };
            if ((words & (1UL << pair)) == 0)
            {
                return false;
            }
        }

        ulong key = PrefixKey(text.Slice(start, 4));
        int index = -1;
        for (int slot = Slot(key); _slots[slot] != 0; slot = (slot + 1) & (_slots.Length - 1))
        {
            if (_keys[_slots[slot] - 1] == key)
            {
                index = _slots[slot] - 1;
                break;
            }
        }

        if (index < 0)
        {
            return false;
        }

        for (; index < _keys.Length && _keys[index] == key; index++)
        {
            string value = _values[index];
            int end = start + value.Length;
            if (end <= text.Length
                && text.Slice(start, value.Length).Equals(value, StringComparison.OrdinalIgnoreCase)
                && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }
        }

        return false;
    }

    // An ASCII character's bucket: a letter's two cases share one, and other characters share one with a letter, which
    // only lets a place through to the full comparison.
    private static int PairBucket(char c) => (c | 0x20) & 15;

    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _slotShift);

    // The first four characters folded to upper case, 16 bits each, so OrdinalIgnoreCase equality of two strings implies
    // equal keys: it compares after the same invariant upper-casing. It upper-cases a surrogate pair as one character,
    // so every surrogate folds to one key value.
    private static ulong PrefixKey(ReadOnlySpan<char> value) =>
        Fold(value[0]) | ((ulong)Fold(value[1]) << 16) | ((ulong)Fold(value[2]) << 32) | ((ulong)Fold(value[3]) << 48);

    private static char Fold(char c) => char.IsSurrogate(c) ? '\uD800' : char.ToUpperInvariant(c);
}
