namespace Loader.Adapters;

/// <summary>The Llama-family linear layers a LoRA adapter may target, named as in Hugging Face checkpoints.</summary>
public enum LoraProjection
{
    Q,
    K,
    V,
    O,
    Gate,
    Up,
    Down,
}
