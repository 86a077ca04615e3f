namespace Server.Generation;

/// <summary>One servable model name.</summary>
/// <param name="Id">The name clients send as <c>model</c>.</param>
/// <param name="OwnedBy">Operator-configured owner shown in <c>/v1/models</c>.</param>
/// <param name="MaxModelLen">Context length: prompt plus completion tokens may not exceed it.</param>
/// <param name="VocabSize">Token ids are valid in [0, VocabSize).</param>
/// <param name="HasChatTemplate">False: chat requests without a per-request template get 400.</param>
/// <param name="Root">Base model path or name.</param>
/// <param name="Parent">Base model id when this is a LoRA finetune of it, else null.</param>
/// <param name="Created">Unix seconds, for the model card.</param>
public sealed record ServedModel(
    string Id, string OwnedBy, int MaxModelLen, int VocabSize, bool HasChatTemplate,
    string Root, string? Parent, long Created)
{
    /// <summary>True for a base + LoRA pair, the only models <c>multiplier</c> applies to.</summary>
    public bool IsLora => Parent is not null;
}
