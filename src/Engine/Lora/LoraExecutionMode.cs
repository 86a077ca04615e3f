namespace Engine.Lora;

/// <summary>How a forward step runs its LoRA adapters.</summary>
public enum LoraExecutionMode
{
    /// <summary>No sequence is adapted: the base weights, no LoRA op.</summary>
    Base,

    /// <summary>Every sequence runs the same adapter and multiplier: weights with <c>W + scale · m · B·A</c> folded in.</summary>
    Merged,

    /// <summary>Sequences differ (or some run the base): base weights plus per-row shrink/expand.</summary>
    Unmerged,
}
