import { referenceReply } from './fixtures/reference.mjs';
for (const [repo, dtype, opts] of [['Qwen3-0.6B-ONNX','q4'],['Qwen3-0.6B-ONNX','q4f16'],['Qwen3-0.6B-ONNX','q4',{enable_thinking:false}],['Qwen2.5-0.5B-Instruct','q8'],['Qwen2.5-0.5B-Instruct','q4'],['SmolLM2-135M-Instruct','q4'],['SmolLM2-360M-Instruct','q4'],['Llama-3.2-1B-Instruct','q8'],['Llama-3.2-1B-Instruct','q4'],['DeepSeek-R1-Distill-Qwen-1.5B-ONNX','q4'],['gemma-3-1b-it-ONNX','q8'],['gemma-3-1b-it-ONNX','q4']]) {
  const t0 = performance.now();
  const r = await referenceReply({ root: '/tmp/twinout', repo: 'airgap-twins/'+repo, dtype, messages: [{role:'user',content:'Hello'}], maxNewTokens: 16, templateOptions: opts });
  const t1 = performance.now();
  const r2 = await referenceReply({ root: '/tmp/twinout', repo: 'airgap-twins/'+repo, dtype, messages: [{role:'user',content:'Hello'},{role:'assistant',content:r.text},{role:'user',content:'More?'}], maxNewTokens: 16, templateOptions: opts });
  console.log(repo, dtype, Math.round(t1-t0), Math.round(performance.now()-t1), JSON.stringify(r.text), new Set(r.tokenIds).size, JSON.stringify(r2.text));
}
