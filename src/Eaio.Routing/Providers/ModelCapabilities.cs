namespace Eaio.Routing;

/// <summary>What a model supports beyond plain text chat.</summary>
[Flags]
public enum ModelCapabilities
{
    /// <summary>Plain text chat only.</summary>
    None = 0,

    /// <summary>Tool (function) calling.</summary>
    Tools = 1,

    /// <summary>Image input.</summary>
    Vision = 2,

    /// <summary>JSON output mode or JSON schema.</summary>
    Json = 4,

    /// <summary>Log-probabilities of the output tokens (OpenAI's <c>logprobs</c> and <c>top_logprobs</c>).</summary>
    LogProbabilities = 8,
}
