namespace Eaio.Samples.Console;

/// <summary>The sample's exit codes, as the README's table lists them.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Done = 0;

    /// <summary>The command line is not valid: an unknown command or option, a bad value, an empty date range.</summary>
    public const int Usage = 1;

    /// <summary><c>ask</c>: no route could answer (nothing running, no keys, every route failed before any output).</summary>
    public const int NoRoute = 2;

    /// <summary>The configuration (appsettings.json, environment variables) is invalid.</summary>
    public const int Configuration = 3;

    /// <summary><c>audit verify</c>: the audit log's hash chain is broken, or does not hold the checkpoint.</summary>
    public const int AuditBroken = 4;

    /// <summary><c>health</c>: a registered health check is not healthy; <c>bdg2</c>: a data error (missing file, bad
    /// header, unknown building, no readings in the period).</summary>
    public const int NotHealthyOrDataError = 5;

    /// <summary><c>ask</c>: the answer stopped after part of it was shown (the stream was cut, stalled, or hit its time limit).</summary>
    public const int AnswerCutShort = 6;
}
