using System.Runtime.CompilerServices;

namespace Eaio.Routing;

/// <summary>
/// Walks a text piece by piece as the library's <see cref="Microsoft.ML.Tokenizers.RegexPreTokenizer"/> does: special
/// tokens (<c>&lt;|endoftext|&gt;</c> …) are pieces of their own, and the pattern runs on the text between them as if
/// each stretch were all the text there is.
/// </summary>
/// <remarks>A mutable struct given the text on every call, so that both a span loop and an iterator can drive it.</remarks>
/// <typeparam name="TPattern">The encoding's split.</typeparam>
internal struct TiktokenPieceCursor<TPattern>
    where TPattern : struct, ITiktokenPattern
{
    private readonly string[] _specialTokens;
    private int _position;
    private int _specialStart;
    private int _specialLength;

    /// <summary>Initializes a new instance of the <see cref="TiktokenPieceCursor{TPattern}"/> struct.</summary>
    /// <param name="specialTokens">The special tokens; none is a prefix of another.</param>
    public TiktokenPieceCursor(string[] specialTokens)
    {
        _specialTokens = specialTokens;
        _specialStart = -1;
    }

    /// <summary>Gets a value indicating whether the current piece is a special token.</summary>
    public readonly bool IsSpecial => _specialLength > 0 && _position == _specialStart + _specialLength;

    /// <summary>Moves to the next piece.</summary>
    /// <param name="text">The text, the same on every call.</param>
    /// <param name="start">The piece's offset.</param>
    /// <param name="length">The piece's length.</param>
    /// <returns><see langword="false"/> at the end of the text.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext(ReadOnlySpan<char> text, out int start, out int length)
    {
        start = _position;
        if (_position >= text.Length)
        {
            length = 0;
            return false;
        }

        if (_specialStart < _position)
        {
            FindSpecialToken(text);
        }

        int end = _position == _specialStart ? _position + _specialLength : TPattern.MatchEnd(text[.._specialStart], _position);
        length = end - _position;
        _position = end;
        return true;
    }

    // The first special token at or after the position, as the library's alternation of the escaped tokens finds it;
    // without one, the stretch runs to the end of the text.
    private void FindSpecialToken(ReadOnlySpan<char> text)
    {
        for (int from = _position; from < text.Length; from++)
        {
            int found = text[from..].IndexOf("<|", StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            from += found;
            foreach (string token in _specialTokens)
            {
                if (text[from..].StartsWith(token, StringComparison.Ordinal))
                {
                    _specialStart = from;
                    _specialLength = token.Length;
                    return;
                }
            }
        }

        _specialStart = text.Length;
        _specialLength = 0;
    }
}
