using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Clears every setting the router reads from the environment (<c>EAIO_DATA_DIR</c>, <c>OPENAI_API_KEY</c>,
/// <c>OLLAMA_BASE_URL</c>, …) before any test runs: an environment variable wins over configuration, so a value the
/// shell exports (<c>.ci/run</c> exports <c>EAIO_DATA_DIR</c> for the samples; a developer may have real API keys) would
/// otherwise point every test's gateway at one shared folder, or a real provider. Each test configures what it needs.
/// </summary>
[SetUpFixture]
public sealed class AmbientSettings
{
    [OneTimeSetUp]
    public void Clear()
    {
        foreach (string name in EaioOptionsBinder.EnvironmentNames)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
