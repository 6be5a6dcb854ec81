namespace Eaio.Routing;

/// <summary>The names of the providers the library knows; they are also the keys of their keyed <c>IChatClient</c> services.</summary>
public static class EaioProviders
{
    /// <summary>The local Ollama server.</summary>
    public const string Ollama = "ollama";

    /// <summary>OpenAI.</summary>
    public const string OpenAI = "openai";

    /// <summary>DeepSeek, through its OpenAI-compatible API.</summary>
    public const string DeepSeek = "deepseek";

    /// <summary>Google Gemini, through Google's OpenAI-compatible endpoint.</summary>
    public const string Gemini = "gemini";

    /// <summary>Mistral AI, through its OpenAI-compatible API.</summary>
    public const string Mistral = "mistral";

    /// <summary>Anthropic, through its official SDK.</summary>
    public const string Anthropic = "anthropic";
}
