using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// Passwords that command-line tools take behind a flag of their own, found from the flag rather than the command's
/// name: <c>sqlcmd -P …</c>, <c>mosquitto_pub -P …</c>, <c>ipmitool -P …</c>, <c>ldapsearch -w …</c>, <c>zip -P …</c>,
/// <c>7z a -p…</c>, <c>psexec -p …</c>, <c>mongosh -p …</c>, <c>smbclient -U user%…</c>, <c>http -a user:…</c>,
/// <c>snmpwalk -A … -X …</c>, <c>keytool -storepass …</c>, <c>htpasswd -b file user …</c>; and Oracle's
/// <c>user/password@db</c> (<c>sqlplus</c>, <c>expdp</c>, <c>jdbc:oracle:thin:</c>).
/// </summary>
/// <remarks>
/// The same flag means other things to other tools (<c>-p</c> is a port for ssh, <c>-P</c> a port for scp), so a flag
/// counts only on a line whose command is one whose password flag it is. <see cref="SecretDetector"/>'s search for
/// marks stops at every '-' and '@', which prose has few of; the command is read only after a blank and a flag letter.
/// </remarks>
internal static class SecretFlags
{
    private enum Kind
    {
        /// <summary>The next argument (<c>-P S3cret</c>) or, after '=', the rest of the flag (<c>--pw=S3cret</c>).</summary>
        Next,

        /// <summary>Glued to the flag (<c>-pS3cret</c>), as 7-Zip and RAR take it.</summary>
        Glued,

        /// <summary><c>user%password</c> (Samba).</summary>
        UserPercent,

        /// <summary><c>user:password</c> (HTTPie, ApacheBench).</summary>
        UserColon,

        /// <summary>The last of the arguments after the batch flag: <c>htpasswd -b file user S3cret</c>.</summary>
        Batch,
    }

    private readonly record struct Rule(string Command, string Flag, Kind Kind);

    // Commands compared without case and without a directory or ".exe"; flags in their exact case. A command listed with
    // a '*' ends there: any command that starts so (ldapsearch, ldapmodify, mongodump, snmpbulkwalk …).
    private static readonly Rule[] Rules =
    [
        new("sqlcmd", "-P", Kind.Next), // SQL Server
        new("bcp", "-P", Kind.Next),
        new("osql", "-P", Kind.Next),
        new("isql", "-P", Kind.Next),
        new("mssql-cli", "-P", Kind.Next),
        new("mosquitto_*", "-P", Kind.Next), // MQTT clients: mosquitto_pub, mosquitto_sub, mosquitto_rr
        new("mosquitto_*", "--pw", Kind.Next),
        new("ipmitool", "-P", Kind.Next),
        new("ldap*", "-w", Kind.Next), // OpenLDAP clients: ldapsearch, ldapadd, ldapmodify, ldapdelete, ldapwhoami …
        new("zip", "-P", Kind.Next),
        new("zipcloak", "-P", Kind.Next),
        new("unzip", "-P", Kind.Next),
        new("7z", "-p", Kind.Glued),
        new("7za", "-p", Kind.Glued),
        new("7zr", "-p", Kind.Glued),
        new("rar", "-p", Kind.Glued),
        new("unrar", "-p", Kind.Glued),
        new("psexec", "-p", Kind.Next), // Sysinternals PsExec and its clones
        new("psexec64", "-p", Kind.Next),
        new("paexec", "-p", Kind.Next),
        new("cqlsh", "-p", Kind.Next), // Cassandra
        new("mongo*", "-p", Kind.Next), // mongo, mongosh, mongodump, mongorestore, mongoexport, mongoimport …
        new("rdesktop", "-p", Kind.Next),
        new("ncftp*", "-p", Kind.Next),
        new("influx", "-p", Kind.Next), // InfluxDB 2 CLI: influx setup -u admin -p …; -t is its API token
        new("influx", "-t", Kind.Next),
        new("smbclient", "-U", Kind.UserPercent), // Samba
        new("rpcclient", "-U", Kind.UserPercent),
        new("smbcacls", "-U", Kind.UserPercent),
        new("smbget", "-U", Kind.UserPercent),
        new("smbclient", "--user", Kind.UserPercent),
        new("http", "-a", Kind.UserColon), // HTTPie
        new("https", "-a", Kind.UserColon),
        new("http", "--auth", Kind.UserColon),
        new("https", "--auth", Kind.UserColon),
        new("ab", "-A", Kind.UserColon), // ApacheBench
        new("snmp*", "-A", Kind.Next), // Net-SNMP v3: authentication and privacy pass phrases
        new("snmp*", "-X", Kind.Next),
        new("keytool", "-storepass", Kind.Next),
        new("keytool", "-keypass", Kind.Next),
        new("keytool", "-srcstorepass", Kind.Next),
        new("keytool", "-deststorepass", Kind.Next),
        new("keytool", "-srckeypass", Kind.Next),
        new("keytool", "-destkeypass", Kind.Next),
        new("htpasswd", "-b", Kind.Batch),
        new("htpasswd", "-nb", Kind.Batch),
        new("htpasswd", "-bc", Kind.Batch),
        new("htpasswd", "-cb", Kind.Batch),
        new("htpasswd", "-bB", Kind.Batch),
        new("htpasswd", "-Bb", Kind.Batch),
        new("htpasswd", "-nbB", Kind.Batch),
        new("htpasswd", "-bnB", Kind.Batch),
    ];

    // Oracle tools that take user/password@connect as their first argument.
    private static readonly string[] OracleCommands =
        ["sqlplus", "sqlldr", "expdp", "impdp", "exp", "imp", "rman", "dgmgrl", "sql", "sqlcl", "tkprof", "conn", "connect"];

    /// <summary>Tries the flag rules at a '-' found at <paramref name="at"/>.</summary>
    /// <returns>Where the search resumes.</returns>
    public static int TryFlag(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        // A flag starts after a blank, with a letter or a second dash: "- 5" and "2024-03-01" are no flags.
        if (at == 0 || text[at - 1] is not (' ' or '\t') || at + 1 >= text.Length || !(char.IsAsciiLetter(text[at + 1]) || text[at + 1] == '-'))
        {
            return at + 1;
        }

        int flagEnd = at + 1;
        while (flagEnd < text.Length && (char.IsAsciiLetterOrDigit(text[flagEnd]) || text[flagEnd] == '-'))
        {
            flagEnd++;
        }

        ReadOnlySpan<char> token = text[at..flagEnd];
        ReadOnlySpan<char> command = Command(text, at);
        if (command.IsEmpty)
        {
            return at + 1;
        }

        foreach (Rule rule in Rules)
        {
            bool glued = rule.Kind == Kind.Glued;
            if (!(glued ? token.StartsWith(rule.Flag, StringComparison.Ordinal) && token.Length > rule.Flag.Length : token.SequenceEqual(rule.Flag))
                || !IsCommand(command, rule.Command))
            {
                continue;
            }

            int lineEnd = SecretCommands.LineEnd(text, flagEnd);
            int valueStart;
            int valueEnd;
            bool quoted;
            if (glued)
            {
                valueStart = at + rule.Flag.Length;
                int i = valueStart;
                if (!SecretCommands.NextToken(text, ref i, lineEnd, out _, out valueEnd, out quoted))
                {
                    return at + 1;
                }

                quoted = false;
            }
            else
            {
                int i = flagEnd;
                if (i < lineEnd && text[i] == '=')
                {
                    i++;
                    valueStart = i;
                }

                if (!SecretCommands.NextToken(text, ref i, lineEnd, out valueStart, out valueEnd, out quoted))
                {
                    return at + 1;
                }

                if (rule.Kind == Kind.Batch && !LastArgument(text, ref valueStart, ref valueEnd, ref quoted, i, lineEnd))
                {
                    return at + 1;
                }
            }

            if (rule.Kind is Kind.UserPercent or Kind.UserColon)
            {
                int split = text[valueStart..valueEnd].IndexOf(rule.Kind == Kind.UserPercent ? '%' : ':');
                if (split <= 0)
                {
                    return at + 1;
                }

                valueStart += split + 1;
            }

            if (valueStart >= valueEnd || !SecretLabels.IsPasswordValue(text[valueStart..valueEnd], quoted))
            {
                return at + 1;
            }

            spans.Add(new SensitiveSpan(valueStart, valueEnd - valueStart, EntityTypes.Secret, 0.85));
            return valueEnd;
        }

        return at + 1;
    }

    /// <summary>
    /// Tries Oracle's <c>user/password@connect</c> at an '@' found at <paramref name="at"/>: after one of the Oracle
    /// tools, or in a JDBC or OCI URL (<c>jdbc:oracle:thin:user/password@host:1521/SID</c>).
    /// </summary>
    /// <returns>Where the search resumes.</returns>
    public static int TryOracleLogin(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        int start = at;
        while (start > 0 && at - start < 128 && text[start - 1] is not (' ' or '\t' or '\n' or '\r' or '"' or '\'' or ':' or '=' or '('))
        {
            start--;
        }

        int slash = text[start..at].IndexOf('/');
        if (slash <= 0 || slash == at - start - 1)
        {
            return at + 1;
        }

        ReadOnlySpan<char> user = text[start..(start + slash)];
        if (user.ContainsAnyExcept(OracleUserChars))
        {
            return at + 1;
        }

        bool url = start >= 5 && (text[..start].EndsWith("thin:", StringComparison.OrdinalIgnoreCase) || text[..start].EndsWith("oci:", StringComparison.OrdinalIgnoreCase)
            || text[..start].EndsWith("oci8:", StringComparison.OrdinalIgnoreCase));
        if (!url)
        {
            ReadOnlySpan<char> command = Command(text, start);
            bool oracle = false;
            foreach (string name in OracleCommands)
            {
                oracle |= command.Equals(name, StringComparison.OrdinalIgnoreCase);
            }

            if (!oracle)
            {
                return at + 1;
            }
        }

        int passwordStart = start + slash + 1;
        bool quoted = text[passwordStart] == '"' && text[at - 1] == '"' && at - passwordStart >= 3;
        int s = quoted ? passwordStart + 1 : passwordStart;
        int e = quoted ? at - 1 : at;
        if (!SecretLabels.IsPasswordValue(text[s..e], quoted))
        {
            return at + 1;
        }

        spans.Add(new SensitiveSpan(s, e - s, EntityTypes.Secret, 0.85));
        return at + 1;
    }

    private static readonly SearchValues<char> OracleUserChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$#");

    // The arguments after htpasswd's batch flag are the file (not with -n), the user and the password: the last one.
    private static bool LastArgument(ReadOnlySpan<char> text, ref int start, ref int end, ref bool quoted, int i, int lineEnd)
    {
        int arguments = 1;
        while (SecretCommands.NextToken(text, ref i, lineEnd, out int s, out int e, out bool q))
        {
            if (!q && text[s..e] is "|" or "&&" or ";" or ">" or ">>")
            {
                break;
            }

            (start, end, quoted) = (s, e, q);
            arguments++;
        }

        return arguments >= 2;
    }

    private static bool IsCommand(ReadOnlySpan<char> command, string name) =>
        name[^1] == '*'
            ? command.StartsWith(name.AsSpan(0, name.Length - 1), StringComparison.OrdinalIgnoreCase)
            : command.Equals(name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The command of the shell line that holds <paramref name="at"/>: its first word after a prompt (<c>$</c>,
    /// <c>#</c>, <c>&gt;</c>, <c>PS C:\&gt;</c>), <c>sudo</c> and variable assignments, without its directory and
    /// <c>.exe</c>; the part after the last <c>|</c>, <c>;</c> or <c>&amp;&amp;</c> before <paramref name="at"/> is its own command.
    /// </summary>
    private static ReadOnlySpan<char> Command(ReadOnlySpan<char> text, int at)
    {
        int from = Math.Max(0, at - 400);
        int lineStart = text[from..at].LastIndexOfAny('\n', '\r');
        lineStart = lineStart < 0 ? from : from + lineStart + 1;
        int segment = text[lineStart..at].LastIndexOfAny(['|', ';', '&', '`', '(']);
        int i = segment < 0 ? lineStart : lineStart + segment + 1;
        for (int words = 0; words < 6; words++)
        {
            if (!SecretCommands.NextToken(text, ref i, at, out int start, out int end, out bool quoted) || quoted)
            {
                return [];
            }

            ReadOnlySpan<char> word = text[start..end];
            int assignment = word.IndexOf('=');
            if (word is "$" or "#" or ">" or "%" or "PS" or "sudo" or "time" or "nohup" or "exec" or "-" or "*" || word[^1] is '>' or '$' or '#'
                || (assignment > 0 && word[..assignment].IndexOfAny('/', '\\') < 0))
            {
                continue; // a prompt, a prefix command, or a variable assignment (PGHOST=db sqlcmd …)
            }

            int dir = word.LastIndexOfAny('/', '\\');
            word = word[(dir + 1)..];
            return word.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? word[..^4] : word;
        }

        return [];
    }
}
