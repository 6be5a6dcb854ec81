namespace Eaio.Routing.Tests;

/// <summary>An audit store that is down: every append fails.</summary>
internal sealed class FailingAuditLog : IAuditLog
{
    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) => throw new IOException("audit store unavailable");

    public async IAsyncEnumerable<AuditRecord> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield break;
    }

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) => Task.FromResult(new AuditVerification(true, 0, null, null));
}
