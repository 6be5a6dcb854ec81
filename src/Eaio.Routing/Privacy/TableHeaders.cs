namespace Eaio.Routing;

/// <summary>
/// Finds the header of the column a value stands in, in a table pasted as delimited text (CSV, semicolons, tabs, pipes):
/// <c>tenant,amount,routing,account</c> names the values below it as a label in front of each would.
/// </summary>
internal static class TableHeaders
{
    // A row longer than this, or a table deeper than this above the value, is not read: bounds the work per value.
    private const int MaxRowLength = 512;
    private const int MaxRowsAbove = 64;

    /// <summary>The header cell above the value, or an empty span when the value is not in a delimited table's column.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the value starts.</param>
    /// <param name="end">Where the value ends.</param>
    /// <returns>The header cell, trimmed of quotes and spaces.</returns>
    public static ReadOnlySpan<char> Above(ReadOnlySpan<char> text, int start, int end)
    {
        // The delimiter first, from the characters around the value: most values of prose have none, and cost no search for
        // the line.
        char delimiter = Delimiter(text, start, end);
        int rowStart = delimiter == '\0' ? -1 : LineStart(text, start);
        if (rowStart <= 0)
        {
            return default;
        }

        int column = text[rowStart..start].Count(delimiter);

        // Up the rows that have the column, to the first: the header.
        int header = -1;
        for (int rows = 0, lineEnd = rowStart - 1; rows < MaxRowsAbove && lineEnd > 0; rows++)
        {
            int lineStart = LineStart(text, lineEnd);
            if (lineStart < 0 || text[lineStart..lineEnd].Count(delimiter) < column || (column == 0 && !text[lineStart..lineEnd].Contains(delimiter)))
            {
                break;
            }

            header = lineStart;
            lineEnd = lineStart - 1;
            if (lineStart == 0)
            {
                break;
            }
        }

        if (header < 0)
        {
            return default;
        }

        ReadOnlySpan<char> row = text[header..];
        int rowEnd = row.IndexOfAny('\n', '\r');
        row = rowEnd < 0 ? row : row[..rowEnd];
        for (int k = 0; k < column; k++)
        {
            int next = row.IndexOf(delimiter);
            row = next < 0 ? default : row[(next + 1)..];
        }

        int cellEnd = row.IndexOf(delimiter);
        ReadOnlySpan<char> cell = (cellEnd < 0 ? row : row[..cellEnd]).Trim(" \t\"'");
        return cell.ContainsAnyInRange('0', '9') ? default : cell;
    }

    // The start of the line holding `position`, or -1 when it lies further back than a row is read.
    private static int LineStart(ReadOnlySpan<char> text, int position)
    {
        int from = Math.Max(0, position - MaxRowLength);
        int newline = text[from..position].LastIndexOf('\n');
        return newline >= 0 ? from + newline + 1 : from == 0 ? 0 : -1;
    }

    // The delimiter right before the value (past quotes and spaces), or right after it when a line break is before it.
    private static char Delimiter(ReadOnlySpan<char> text, int start, int end)
    {
        int before = start;
        while (before > 0 && text[before - 1] is '"' or '\'' or ' ')
        {
            before--;
        }

        if (before > 0 && text[before - 1] is not ('\n' or '\r'))
        {
            return text[before - 1] is ',' or ';' or '\t' or '|' ? text[before - 1] : '\0';
        }

        int after = end;
        while (after < text.Length && text[after] is '"' or '\'' or ' ')
        {
            after++;
        }

        return after < text.Length && text[after] is ',' or ';' or '\t' or '|' ? text[after] : '\0';
    }
}
