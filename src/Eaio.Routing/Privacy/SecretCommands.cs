using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// Passwords that shell commands, SQL and PowerShell carry in their own syntax rather than behind a password label:
/// <c>mysql -u root -pS3cret</c>, <c>curl -u admin:S3cret</c>, <c>lftp -u user,S3cret</c>, <c>sshpass -p S3cret</c>,
/// <c>redis-cli -a S3cret</c>, <c>docker login -p S3cret</c>, <c>CREATE USER … IDENTIFIED BY 'S3cret'</c>,
/// <c>ConvertTo-SecureString "S3cret" -AsPlainText</c>, the password field of a <c>~/.pgpass</c> line and
/// <c>login is admin / S3cret</c>.
/// </summary>
/// <remarks>
/// Each is found from the command's name or keyword (<see cref="SecretDetector"/>'s vectorised search stops there),
/// and only the arguments on the same command line are read: the flag that takes a password differs by command
/// (<c>-p</c> is a password for mysql but a port for ssh), so a flag is read only for the commands whose flag it is.
/// </remarks>
internal static class SecretCommands
{
    private static readonly SearchValues<char> Blanks = SearchValues.Create(" \t");

    /// <summary>Tries the command rules at an anchor found at <paramref name="at"/>.</summary>
    /// <returns>Where the search resumes.</returns>
    public static int TryAt(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        int wordEnd = at;
        while (wordEnd < text.Length && (char.IsAsciiLetterOrDigit(text[wordEnd]) || text[wordEnd] is '-' or '_'))
        {
            wordEnd++;
        }

        int resume = Math.Max(at + 1, wordEnd);

        // "ConvertTo-SecureString" is the one anchor met inside a word.
        ReadOnlySpan<char> word = text[at..wordEnd];
        if (word.StartsWith("securestring", StringComparison.OrdinalIgnoreCase))
        {
            return SecureString(text, wordEnd, spans, resume);
        }

        if (at > 0 && (char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] is '_' or '-'))
        {
            return resume;
        }

        int lineEnd = LineEnd(text, wordEnd);
        if (word.StartsWith("identified", StringComparison.OrdinalIgnoreCase))
        {
            return IsAccountStatement(text, at) ? IdentifiedBy(text, wordEnd, lineEnd, spans, resume) : resume;
        }

        if (word.Equals("pgpass", StringComparison.OrdinalIgnoreCase) || word.Equals("pgpassfile", StringComparison.OrdinalIgnoreCase))
        {
            return PgPass(text, lineEnd, spans, resume);
        }

        Command command = word switch
        {
            _ when word.StartsWith("mysql", StringComparison.OrdinalIgnoreCase) || word.StartsWith("mariadb", StringComparison.OrdinalIgnoreCase) => Command.MySql,
            _ when word.Equals("curl", StringComparison.OrdinalIgnoreCase) => Command.Curl,
            _ when word.Equals("lftp", StringComparison.OrdinalIgnoreCase) => Command.Lftp,
            _ when word.Equals("sshpass", StringComparison.OrdinalIgnoreCase) => Command.SshPass,
            _ when word.Equals("redis-cli", StringComparison.OrdinalIgnoreCase) => Command.RedisCli,
            _ when word.Equals("login", StringComparison.OrdinalIgnoreCase) => Command.Login,
            _ => Command.None,
        };
        return command switch
        {
            Command.None => resume,
            Command.Login => LoginArguments(text, wordEnd, lineEnd, spans, resume),
            _ => Arguments(text, command, wordEnd, lineEnd, spans, resume),
        };
    }

    private enum Command
    {
        None,
        MySql,
        Curl,
        Lftp,
        SshPass,
        RedisCli,
        Login,
    }

    // A command line ends at a line break, unless the line is continued ("\", PowerShell's "`", cmd's "^").
    internal static int LineEnd(ReadOnlySpan<char> text, int from)
    {
        int end = from;
        while (true)
        {
            int newline = text[end..].IndexOfAny('\n', '\r');
            if (newline < 0)
            {
                return text.Length;
            }

            end += newline;
            ReadOnlySpan<char> line = text[from..end].TrimEnd(" \t");
            if (line.IsEmpty || line[^1] is not ('\\' or '`' or '^') || end - from > 2000)
            {
                return end;
            }

            end++;
        }
    }

    private static int Arguments(ReadOnlySpan<char> text, Command command, int i, int lineEnd, ICollection<SensitiveSpan> spans, int resume)
    {
        bool takesNext = false;
        while (NextToken(text, ref i, lineEnd, out int start, out int end, out bool quoted))
        {
            ReadOnlySpan<char> token = text[start..end];
            if (!quoted && token is "|" or "&&" or "||" or ";" or ">" or "<")
            {
                return resume; // the next command of a pipeline
            }

            if (takesNext)
            {
                takesNext = false;
                if (ReportCredential(text, command, start, end, quoted, spans))
                {
                    resume = Math.Max(resume, end);
                }

                continue;
            }

            if (quoted || token.Length < 2 || token[0] != '-')
            {
                continue;
            }

            // The password flags, alone (the value follows) or glued to the value ("-pS3cret", "-uadmin:S3cret").
            ReadOnlySpan<char> flag = command switch
            {
                Command.MySql => "-p",
                Command.Curl or Command.Lftp => token.StartsWith("--user", StringComparison.Ordinal) ? "--user" : token.StartsWith("--proxy-user", StringComparison.Ordinal) ? "--proxy-user" : "-u",
                Command.SshPass => "-p",
                Command.RedisCli => "-a",
                _ => [],
            };
            if (flag.IsEmpty || !token.StartsWith(flag, StringComparison.Ordinal))
            {
                continue;
            }

            if (token.Length == flag.Length)
            {
                // "mysql -p" alone prompts for the password; the word after it is the database.
                takesNext = command != Command.MySql;
                continue;
            }

            int valueStart = start + flag.Length + (text[start + flag.Length] == '=' && flag[1] == '-' ? 1 : 0);
            if (flag[1] == '-' && valueStart == start + flag.Length)
            {
                continue; // "--user-agent"
            }

            bool glueQuoted = valueStart < end && text[valueStart] is '\'' or '"' && end - valueStart >= 2 && text[end - 1] == text[valueStart];
            if (ReportCredential(text, command, glueQuoted ? valueStart + 1 : valueStart, glueQuoted ? end - 1 : end, glueQuoted, spans))
            {
                resume = Math.Max(resume, end);
            }
        }

        return resume;
    }

    // The value of a password flag: the password itself, or "user:password" for curl ("user,password" for lftp).
    private static bool ReportCredential(ReadOnlySpan<char> text, Command command, int start, int end, bool quoted, ICollection<SensitiveSpan> spans)
    {
        if (command is Command.Curl or Command.Lftp)
        {
            ReadOnlySpan<char> pair = text[start..end];
            int split = command == Command.Lftp ? pair.IndexOf(',') : -1;
            split = split < 0 ? pair.IndexOf(':') : split;
            if (split <= 0 || split == pair.Length - 1)
            {
                return false; // "-u admin" alone: curl prompts for the password
            }

            start += split + 1;
        }

        return TryReport(text, start, end, quoted, spans);
    }

    /// <summary>Reports a command's password argument when it reads as a password rather than a placeholder.</summary>
    private static bool TryReport(ReadOnlySpan<char> text, int start, int end, bool quoted, ICollection<SensitiveSpan> spans)
    {
        if (!SecretLabels.IsPasswordValue(text[start..end], quoted))
        {
            return false;
        }

        spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Secret, 0.85));
        return true;
    }

    // "login is admin / S3cret!", "Login: admin/S3cret", "docker login -u ci -p S3cret".
    private static int LoginArguments(ReadOnlySpan<char> text, int i, int lineEnd, ICollection<SensitiveSpan> spans, int resume)
    {
        int j = i;
        if (NextToken(text, ref j, lineEnd, out int s, out int e, out bool q) && !q && text[s] == '-')
        {
            // docker login, podman login, helm registry login: -p / --password, -u user.
            j = i;
            bool takesNext = false;
            while (NextToken(text, ref j, lineEnd, out s, out e, out q))
            {
                if (takesNext)
                {
                    if (TryReport(text, s, e, q, spans))
                    {
                        return Math.Max(resume, e);
                    }

                    takesNext = false;
                }

                takesNext = !q && text[s..e] is "-p";
            }

            return resume;
        }

        return SecretLabels.UserPasswordPair(text, i, lineEnd, spans, resume);
    }

    // "identified by" is prose too ("the fault was identified by the auditor"): only a statement that creates or alters
    // a user, role or login, or grants to one, sets a password with it.
    private static bool IsAccountStatement(ReadOnlySpan<char> text, int at)
    {
        int from = Math.Max(0, at - 200);
        int stop = text[from..at].LastIndexOfAny(';', '\n');
        ReadOnlySpan<char> statement = text[(stop < 0 ? from : from + stop + 1)..at];
        return statement.Contains("user", StringComparison.OrdinalIgnoreCase) || statement.Contains("role", StringComparison.OrdinalIgnoreCase)
            || statement.Contains("login", StringComparison.OrdinalIgnoreCase) || statement.Contains("grant", StringComparison.OrdinalIgnoreCase);
    }

    // CREATE USER 'etl'@'%' IDENTIFIED BY 'S3cret'; IDENTIFIED WITH mysql_native_password BY 'S3cret'; Oracle's
    // unquoted IDENTIFIED BY S3cret.
    private static int IdentifiedBy(ReadOnlySpan<char> text, int i, int lineEnd, ICollection<SensitiveSpan> spans, int resume)
    {
        for (int words = 0; words < 4; words++)
        {
            if (!NextToken(text, ref i, lineEnd, out int start, out int end, out bool quoted))
            {
                return resume;
            }

            ReadOnlySpan<char> token = text[start..end];
            if (quoted || !token.Equals("by", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!NextToken(text, ref i, lineEnd, out start, out end, out quoted))
            {
                return resume;
            }

            if (!quoted && text[start..end].Equals("password", StringComparison.OrdinalIgnoreCase)
                && !NextToken(text, ref i, lineEnd, out start, out end, out quoted))
            {
                return resume;
            }

            while (!quoted && end > start && text[end - 1] is ';' or ',' or ')')
            {
                end--;
            }

            return TryReport(text, start, end, quoted, spans) ? Math.Max(resume, end) : resume;
        }

        return resume;
    }

    // ConvertTo-SecureString "S3cret" -AsPlainText -Force, or -String 'S3cret' -AsPlainText: the quoted string of the
    // same command. Without -AsPlainText the string is an encrypted standard string, which is no plain password.
    private static int SecureString(ReadOnlySpan<char> text, int i, ICollection<SensitiveSpan> spans, int resume)
    {
        int lineEnd = LineEnd(text, i);
        int close = text[i..lineEnd].IndexOfAny(')', '|', ';');
        int commandEnd = close < 0 ? lineEnd : i + close;
        if (!text[i..commandEnd].Contains("-AsPlainText", StringComparison.OrdinalIgnoreCase))
        {
            return resume;
        }

        while (NextToken(text, ref i, commandEnd, out int start, out int end, out bool quoted))
        {
            if (quoted || (text[start] != '-' && text[start] != '$' && start > 0 && text[start - 1] == ' '
                && !text[start..end].Contains('(')))
            {
                return TryReport(text, start, end, quoted, spans) ? Math.Max(resume, end) : resume;
            }
        }

        return resume;
    }

    // hostname:port:database:username:password, one a line, after the file's name; '*' matches any field.
    private static int PgPass(ReadOnlySpan<char> text, int from, ICollection<SensitiveSpan> spans, int resume)
    {
        int limit = Math.Min(text.Length, from + 2000);
        int lineStart = from;
        int lines = 0;
        while (lineStart < limit && lines++ < 24)
        {
            int newline = text[lineStart..limit].IndexOf('\n');
            int lineEnd = newline < 0 ? limit : lineStart + newline;
            ReadOnlySpan<char> line = text[lineStart..lineEnd].Trim(" \t\r");
            int offset = lineStart + text[lineStart..lineEnd].IndexOf(line);
            if (TryPgPassLine(line, out int passwordStart) && SecretLabels.IsPasswordValue(line[passwordStart..], quoted: true))
            {
                spans.Add(new SensitiveSpan(offset + passwordStart, line.Length - passwordStart, EntityTypes.Secret, 0.85));
                resume = Math.Max(resume, offset + line.Length);
            }

            lineStart = lineEnd + 1;
        }

        return resume;
    }

    private static bool TryPgPassLine(ReadOnlySpan<char> line, out int passwordStart)
    {
        passwordStart = -1;
        if (line.IsEmpty || line.ContainsAny(Blanks))
        {
            return false;
        }

        // Four unescaped colons before the password ("\:" is a colon inside a field).
        int colons = 0;
        int portStart = -1;
        int portEnd = -1;
        for (int k = 0; k < line.Length && colons < 4; k++)
        {
            if (line[k] == '\\')
            {
                k++;
                continue;
            }

            if (line[k] == ':')
            {
                colons++;
                if (colons == 1)
                {
                    portStart = k + 1;
                }
                else if (colons == 2)
                {
                    portEnd = k;
                }
                else if (colons == 4)
                {
                    passwordStart = k + 1;
                }
            }
        }

        if (colons != 4 || passwordStart >= line.Length || portStart >= portEnd)
        {
            return false;
        }

        ReadOnlySpan<char> port = line[portStart..portEnd];
        return port is "*" || (port.Length <= 5 && !port.ContainsAnyExceptInRange('0', '9'));
    }

    // The next whitespace-separated token before lineEnd; a quoted one is returned without its quotes.
    internal static bool NextToken(ReadOnlySpan<char> text, ref int i, int lineEnd, out int start, out int end, out bool quoted)
    {
        while (i < lineEnd && (text[i] is ' ' or '\t' or '\r' or '\n' || (text[i] is '\\' or '`' or '^' && i + 1 < lineEnd && text[i + 1] is '\r' or '\n')))
        {
            i++;
        }

        start = end = i;
        quoted = false;
        if (i >= lineEnd)
        {
            return false;
        }

        if (text[i] is '"' or '\'')
        {
            int close = text[(i + 1)..lineEnd].IndexOf(text[i]);
            if (close >= 0)
            {
                start = i + 1;
                end = start + close;
                i = end + 1;
                quoted = true;
                return true;
            }
        }

        int stop = text[i..lineEnd].IndexOfAny(" \t\r\n");
        end = stop < 0 ? lineEnd : i + stop;
        i = end;
        return true;
    }
}
