using System.Text;
using Loader.Llama2c;

namespace Loader.Tokenizers;

/// <summary>The SentencePiece <c>tokenizer.model</c> of a llama2.c <c>tokenizer.bin</c>: the same pieces, ids and
/// scores as a BPE model, spaces written back as <c>▁</c> (llama2.c's export turned them into spaces), id 0
/// unknown, ids 1 and 2 control (BOS/EOS, with llama2.c's piece strings), <c>&lt;0xNN&gt;</c> pieces as bytes.</summary>
public static class Llama2cSentencePieceModel
{
    public static byte[] Build(ReadOnlySpan<byte> tokenizerBin, int vocabSize)
    {
        var file = Llama2cTokenizerFile.Parse(tokenizerBin, vocabSize, "tokenizer.bin");
        var strict = new UTF8Encoding(false, true);
        var pieces = new List<SentencePieceModelWriter.Piece>(vocabSize);
        for (var id = 0; id < vocabSize; id++)
        {
            string text;
            try
            {
                text = strict.GetString(file.Pieces[id]);
            }
            catch (DecoderFallbackException e)
            {
                throw new TokenizerFormatException($"tokenizer.bin: piece {id} is not valid UTF-8 and has no tokenizer.model form.", e);
            }
            var type = id switch
            {
                0 => SentencePieceModelWriter.PieceType.Unknown,
                1 or 2 => SentencePieceModelWriter.PieceType.Control,
                _ when text is { Length: 6 } && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>' => SentencePieceModelWriter.PieceType.Byte,
                _ => SentencePieceModelWriter.PieceType.Normal,
            };
            pieces.Add(new SentencePieceModelWriter.Piece(type == SentencePieceModelWriter.PieceType.Normal ? text.Replace(' ', '\u2581') : text, file.Scores[id], type));
        }
        return SentencePieceModelWriter.Write(pieces, SentencePieceModelWriter.ModelType.Bpe, byteFallback: true, unkId: 0, bosId: 1, eosId: 2);
    }
}
