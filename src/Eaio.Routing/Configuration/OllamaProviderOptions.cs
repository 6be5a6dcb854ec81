namespace Eaio.Routing;

/// <summary>Settings of the local Ollama provider.</summary>
public sealed class OllamaProviderOptions
{
    /// <summary>Gets or sets the Ollama server (<c>OLLAMA_BASE_URL</c>, default <c>http://localhost:11434</c>).</summary>
    public Uri BaseUrl { get; set; } = new("http://localhost:11434");

    /// <summary>Gets or sets the model for general requests (<c>OLLAMA_DEFAULT_MODEL</c>, default <c>llama3.2:3b</c>).</summary>
    public string DefaultModel { get; set; } = "llama3.2:3b";

    /// <summary>Gets or sets the model local embeddings are made with (<c>OLLAMA_EMBEDDING_MODEL</c>).</summary>
    public string EmbeddingModel { get; set; } = "nomic-embed-text";

    /// <summary>Gets or sets how long Ollama keeps the model loaded (<c>OLLAMA_KEEP_ALIVE</c>, default <c>30m</c>),
    /// sent as Ollama's duration string: <c>30m</c>, <c>1h30m</c>, <c>300</c> (seconds), <c>-1</c> (forever) or <c>0</c> (unload).</summary>
    /// <remarks>The Ollama client the package builds sends it with every chat request that names no <c>keep_alive</c> of its
    /// own (a string, which is what OllamaSharp accepts) in <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/>. Like <see cref="BaseUrl"/>, it does not
    /// apply to a client the host registers itself.</remarks>
    public string KeepAlive { get; set; } = "30m";

    /// <summary>Gets the local model for each task; unset tasks keep the catalogue's defaults.</summary>
    public IDictionary<ModelTask, string> Models { get; } = new Dictionary<ModelTask, string>();
}
