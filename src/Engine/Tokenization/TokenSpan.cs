namespace Engine.Tokenization;

/// <summary>One token of <see cref="Tokenizer.EncodeWithOffsets"/>: its id and the characters
/// <c>[Start, End)</c> of the normalized text it stands for (empty for a template token such as BOS).</summary>
public readonly record struct TokenSpan(int Id, int Start, int End);
