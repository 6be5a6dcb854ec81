using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

[TestFixture]
public sealed class InMemoryPseudonymVaultContractTests : PseudonymVaultContract
{
    protected override IPseudonymVault CreateVault(TimeProvider timeProvider, TimeSpan expiry) => new InMemoryPseudonymVault(expiry, timeProvider);
}
