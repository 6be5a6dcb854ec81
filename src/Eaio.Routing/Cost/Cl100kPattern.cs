using static Eaio.Routing.TiktokenCharClass;
using static Eaio.Routing.TiktokenScan;

namespace Eaio.Routing;

/// <summary>
/// <c>cl100k_base</c>'s split as Microsoft.ML.Tokenizers (2.0 and 3.0) writes it:
/// <c>'(?i:[sdmt]|ll|ve|re)|(?&gt;[^\r\n\p{L}\p{N}]?)(?&gt;\p{L}+)|(?&gt;\p{N}{1,3})| ?(?&gt;[^\s\p{L}\p{N}]+)(?&gt;[\r\n]*)|(?&gt;\s+)$|\s*[\r\n]|\s+(?!\S)|\s</c>.
/// </summary>
/// <remarks>
/// The branches are tried in the regex's order, each returning the match the backtracking engine finds first. Every
/// unit is a letter, a number, a space or a symbol, so some branch always matches where the last match ended: the regex
/// never skips text.
/// </remarks>
internal readonly struct Cl100kPattern : ITiktokenPattern
{
    /// <inheritdoc/>
    public static int MatchEnd(ReadOnlySpan<char> text, int start)
    {
        int end = ContractionEnd(text, start);
        if (end > 0)
        {
            return end;
        }

        // (?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+): both groups are atomic, so a prefix once taken is not given back (nor needs
        // to be: without it the first unit is not a letter either).
        int firstClass = Of(text[start]);
        end = (firstClass & (Letter | Number | LineBreak)) == 0 ? start + 1 : start;
        if (end < text.Length && (Of(text[end]) & Letter) != 0)
        {
            return LettersEnd(text, end + 1);
        }

        if ((end = DigitsEnd(text, start)) > 0 || (end = SymbolsEnd(text, start, "\r\n")) > 0)
        {
            return end;
        }

        // What is left starts with a space; a single one is a match of its own whichever branch takes it.
        end = RunEnd(text, start + 1, Space);
        if (end == start + 1)
        {
            return end;
        }

        // (?>\s+)$ : the run when it reaches the end (the atomic run keeps a final \n, so $ matches only there).
        if (end == text.Length)
        {
            return end;
        }

        // \s*[\r\n] : back to the run's last line break; then \s+(?!\S), all but the last space, which starts the next
        // word.
        int lastBreak = LastLineBreak(text, start, end);
        return lastBreak >= 0 ? lastBreak + 1 : end - 1;
    }
}
