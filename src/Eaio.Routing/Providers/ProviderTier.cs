namespace Eaio.Routing;

/// <summary>Where a provider runs.</summary>
public enum ProviderTier
{
    /// <summary>On this machine or network (Ollama): data does not leave.</summary>
    Local = 0,

    /// <summary>An external API: data leaves the machine.</summary>
    External,
}
