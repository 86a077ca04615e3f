namespace Engine.KvCache;

/// <summary>
/// What besides the tokens decides a block's keys and values, folded into its <see cref="BlockHash"/> (vLLM's
/// extra keys): the LoRA adapter id (−1: base model) and its multiplier, since an adapter changes the K and V projections.
/// </summary>
public readonly record struct BlockHashExtra(int LoraId, float LoraMultiplier)
{
    /// <summary>The base model's key.</summary>
    public static BlockHashExtra Base => new(-1, 1);
}
