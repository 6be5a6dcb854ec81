using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// PEM private key blocks (RFC 7468 and the OpenSSH, PKCS#1, SEC 1, encrypted PKCS#8 and PGP variants): the whole block,
/// armour lines included, is one secret.
/// </summary>
internal static class SecretPem
{
    private const string Begin = "-----BEGIN ";
    private const string Dashes = "-----";

    private static readonly SearchValues<char> Base64 =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    // What a chunk of a block body may hold when its END line is missing (a truncated paste): base64 and the
    // Proc-Type/DEK-Info headers of legacy encrypted keys.
    private static readonly SearchValues<char> BodyChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:,-");

    private static readonly SearchValues<char> HeaderMarks = SearchValues.Create(":,=");

    private static readonly SearchValues<char> Blanks = SearchValues.Create(" \t\r\n");

    /// <summary>Matches a private key block starting at <paramref name="at"/> (the first dash of <c>-----BEGIN</c>).</summary>
    public static bool TryMatch(ReadOnlySpan<char> text, int at, out int end)
    {
        end = at;
        ReadOnlySpan<char> rest = text[at..];
        if (!rest.StartsWith(Begin, StringComparison.Ordinal))
        {
            return false;
        }

        int labelEnd = rest[Begin.Length..].IndexOf(Dashes, StringComparison.Ordinal);
        if (labelEnd is < 0 or > 64)
        {
            return false;
        }

        ReadOnlySpan<char> label = rest.Slice(Begin.Length, labelEnd);
        if (!label.EndsWith("PRIVATE KEY", StringComparison.OrdinalIgnoreCase)
            && !label.EndsWith("PRIVATE KEY BLOCK", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        int bodyStart = Begin.Length + labelEnd + Dashes.Length;
        ReadOnlySpan<char> body = rest[bodyStart..];
        int endLine = body.IndexOf("-----END", StringComparison.Ordinal);
        int bodyLength;
        int blockEnd;
        if (endLine >= 0)
        {
            int close = body[(endLine + 8)..].IndexOf(Dashes, StringComparison.Ordinal);
            bodyLength = endLine;
            blockEnd = close < 0 ? bodyStart + endLine + 8 : bodyStart + endLine + 8 + close + Dashes.Length;
        }
        else
        {
            bodyLength = TruncatedBodyLength(body);
            blockEnd = bodyStart + bodyLength;
        }

        // Key material is long; "-----BEGIN PRIVATE KEY----- anything -----END…" in documentation is not a key.
        if (CountBase64(body[..bodyLength]) < 32)
        {
            return false;
        }

        end = at + blockEnd;
        return true;
    }

    // A block pasted without its END line runs over base64 lines (or, flattened, space-separated chunks) and the legacy
    // headers; it ends at a blank line or at the first short word ("Can you check it?").
    private static int TruncatedBodyLength(ReadOnlySpan<char> body)
    {
        int end = 0;
        int i = 0;
        while (i < body.Length)
        {
            if (body[i..].StartsWith("\n\n", StringComparison.Ordinal) || body[i..].StartsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }

            if (body[i] is ' ' or '\t' or '\r' or '\n')
            {
                i++;
                continue;
            }

            int length = body[i..].IndexOfAny(Blanks);
            length = length < 0 ? body.Length - i : length;
            ReadOnlySpan<char> chunk = body.Slice(i, length);
            if (chunk.ContainsAnyExcept(BodyChars) || (chunk.Length < 16 && !chunk.ContainsAny(HeaderMarks)))
            {
                break;
            }

            i += length;
            end = i;
        }

        return end;
    }

    private static int CountBase64(ReadOnlySpan<char> body)
    {
        int count = 0;
        foreach (char c in body)
        {
            if (Base64.Contains(c))
            {
                count++;
            }
        }

        return count;
    }
}
