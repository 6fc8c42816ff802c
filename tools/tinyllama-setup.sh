# Sourced by the tools that run `relneurons` on the bench's synthetic TinyLlama (1.1 B parameters,
# random BF16 weights). Needs $work; builds the CLI and the bench, writes the synthetic model once,
# and sets $model (the model folder, with Llama-2's tokenizer) and $cli (a copy of the CLI's
# binaries in $work/bin, so that a build during a measurement cannot change them under it).
mkdir -p "$work"
dotnet build -c Release src/RelationNeurons.Cli -v q -nologo >/dev/null
dotnet build -c Release bench/RelationNeurons.Bench -v q -nologo >/dev/null
synthetic=$(dotnet run -c Release --no-build --project bench/RelationNeurons.Bench -- synthetic tinyllama | tail -1)
model="$work/tinyllama"
rm -rf "$model" && mkdir -p "$model"
ln -sf "$synthetic/config.json" "$model/config.json"
ln -sf "$synthetic/model.safetensors" "$model/model.safetensors"
# TinyLlama's own tokenizer is Llama-2's (32,000 pieces, the size of the synthetic model's head): the test fixture.
cp tests/fixtures/llama2-tokenizer/tokenizer.model "$model/"
rm -rf "$work/bin" && cp -r src/RelationNeurons.Cli/bin/Release/net10.0 "$work/bin"
cli="dotnet $work/bin/relneurons.dll"
