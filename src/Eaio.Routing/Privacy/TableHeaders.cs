namespace Eaio.Routing;

/// <summary>
/// Finds the header of the column a value stands in, in a table pasted as delimited text (CSV, TSV, semicolons, Markdown
/// pipes): <c>tenant,amount,routing,account</c> names the values below it as a label in front of each would. Used for
/// phone columns (<see cref="PhoneLabel"/>) and id columns (<see cref="SupplyPointDetector"/>, <see cref="IdentityNumberDetector"/>).
/// </summary>
internal static class TableHeaders
{
    // A row longer than this, or a table deeper than this above the value, is not read: its start is looked for a few
    // hundred characters back, not through the whole text.
    private const int MaxRow = 400;
    private const int MaxRowsAbove = 200;

    /// <summary>The header cell above the value, or an empty span when the value does not open a cell of a delimited table.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the value starts.</param>
    /// <returns>The header cell, trimmed of quotes and spaces; empty when it holds a digit (a row of data, not a header).</returns>
    public static ReadOnlySpan<char> Above(ReadOnlySpan<char> text, int start)
    {
        int cell = start;
        while (cell > 0 && text[cell - 1] is ' ' or '"' or '\'')
        {
            cell--;
        }

        if (cell == 0 || text[cell - 1] is not (',' or ';' or '\t' or '|' or '\n'))
        {
            return default;
        }

        int from = Math.Max(0, cell - MaxRow);
        int newline = text[from..cell].LastIndexOf('\n');
        if (newline < 0 && from > 0)
        {
            return default;
        }

        int lineStart = from + newline + 1;
        char separator = text[cell - 1] == '\n' ? '\0' : text[cell - 1];
        if (separator == '\0')
        {
            // The first cell of its line: the separator is the first one after it.
            ReadOnlySpan<char> rest = text[cell..Math.Min(text.Length, cell + MaxRow)];
            int next = rest.IndexOfAny(",;\t|");
            int lineEnd = rest.IndexOf('\n');
            if (next < 0 || (lineEnd >= 0 && next > lineEnd))
            {
                return default;
            }

            separator = rest[next];
        }

        int column = text[lineStart..cell].Count(separator);

        // The header is the first line of the block of lines that have the column: a line above with fewer cells (a sentence
        // with a comma that introduces the table) ends the block.
        int header = lineStart;
        for (int lines = 0; lines < MaxRowsAbove && header > 0; lines++)
        {
            int previousFrom = Math.Max(0, header - 1 - MaxRow);
            int previousNewline = text[previousFrom..(header - 1)].LastIndexOf('\n');
            if (previousNewline < 0 && previousFrom > 0)
            {
                break;
            }

            int previousStart = previousFrom + previousNewline + 1;
            if (text[previousStart..(header - 1)].Count(separator) < Math.Max(1, column))
            {
                break;
            }

            header = previousStart;
        }

        if (header == lineStart)
        {
            return default;
        }

        int headerEnd = text[header..lineStart].IndexOf('\n');
        ReadOnlySpan<char> line = headerEnd < 0 ? text[header..lineStart] : text[header..(header + headerEnd)];
        for (int k = 0; k < column; k++)
        {
            int at = line.IndexOf(separator);
            if (at < 0)
            {
                return default;
            }

            line = line[(at + 1)..];
        }

        int cellEnd = line.IndexOf(separator);
        ReadOnlySpan<char> name = (cellEnd < 0 ? line : line[..cellEnd]).Trim(" \t\r\"'");
        return name.ContainsAnyInRange('0', '9') ? default : name;
    }
}
