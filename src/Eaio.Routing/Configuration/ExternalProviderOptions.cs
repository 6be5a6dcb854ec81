namespace Eaio.Routing;

/// <summary>Settings of one external provider.</summary>
public sealed class ExternalProviderOptions
{
    /// <summary>Gets or sets the API key; without it the provider is absent from every plan.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the API's base address; it must be https unless it is a loopback address.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Gets or sets the organisation id (OpenAI only, <c>OPENAI_ORG_ID</c>).</summary>
    public string? Organization { get; set; }

    /// <summary>Gets a value indicating whether an API key is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);

    /// <inheritdoc/>
    /// <remarks>Never shows the key.</remarks>
    public override string ToString() => $"BaseUrl={BaseUrl}, ApiKey={(IsConfigured ? "(set)" : "(not set)")}";
}
