namespace Server.Contracts;

/// <summary>The fixed permission object vllm and aph put on every card.</summary>
public sealed record ModelPermission(
    string Id, string Object, long Created, bool AllowCreateEngine, bool AllowSampling, bool AllowLogprobs,
    bool AllowSearchIndices, bool AllowView, bool AllowFineTuning, string Organization, string? Group,
    bool IsBlocking);
