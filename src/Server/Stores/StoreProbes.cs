namespace Server.Stores;

/// <summary>The shared stores this replica depends on, as <c>/health</c> checks them; empty for the embedded ones.</summary>
public sealed class StoreProbes(IReadOnlyList<IStoreProbe> probes)
{
    // A store that does not answer a ping within this is as good as down for a health check.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public IReadOnlyList<IStoreProbe> All { get; } = probes;

    /// <summary>"what: why" of every store that is down now (all probed at once); empty when all answer.</summary>
    public async Task<IReadOnlyList<string>> DownAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        var results = await Task.WhenAll(All.Select(async p => (p.Description, Reason: await p.ProbeAsync(timeout.Token).ConfigureAwait(false))))
            .ConfigureAwait(false);
        return [.. results.Where(r => r.Reason is not null).Select(r => $"{r.Description}: {r.Reason}")];
    }
}
