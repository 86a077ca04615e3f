namespace Server.Contracts;

/// <summary>One model card; <see cref="Parent"/> is the base model id of a LoRA finetune.</summary>
public sealed record ModelCard(
    string Id, string Object, long Created, string OwnedBy, string? Root, string? Parent, int MaxModelLen,
    IReadOnlyList<ModelPermission> Permission);
