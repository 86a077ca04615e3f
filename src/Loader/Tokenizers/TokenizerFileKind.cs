namespace Loader.Tokenizers;

/// <summary>Which tokenizer file a model folder holds, in the order transformers prefers them.</summary>
public enum TokenizerFileKind
{
    /// <summary>A tokenizer.json with a BPE model (our own pipeline reads it).</summary>
    TokenizerJson,

    /// <summary>A tokenizer.json with a Unigram model.</summary>
    UnigramTokenizerJson,

    /// <summary>A SentencePiece <c>tokenizer.model</c> (protobuf ModelProto, BPE or Unigram).</summary>
    SentencePieceModel,

    /// <summary>A tiktoken vocabulary: one "base64-token rank" per line (<c>*.tiktoken</c>, or Llama 3's
    /// <c>tokenizer.model</c>).</summary>
    Tiktoken,
}
