# genlab's optional native kernels (see src/genlab_native.cc). Built by scripts/build-native.mjs
# during `npm install`, which finds the libraries first and passes what it found in
# GENLAB_NATIVE_LIBS (detect.cjs reads it; run alone, detect.cjs probes with the compiler).
{
  "variables": {
    "genlab_openblas%": "<!(node ./detect.cjs openblas)",
    "genlab_dnnl%": "<!(node ./detect.cjs dnnl)"
  },
  "targets": [
    {
      "target_name": "genlab_native",
      "sources": ["src/genlab_native.cc"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-O3", "-std=c++17", "-fexceptions", "-fno-math-errno"],
      "libraries": ["-lmvec"],
      "conditions": [
        ["genlab_openblas==1", { "defines": ["GENLAB_HAVE_OPENBLAS"], "libraries": ["-lopenblas"] }],
        ["genlab_dnnl==1", { "defines": ["GENLAB_HAVE_DNNL"], "libraries": ["-ldnnl", "-fopenmp"], "cflags_cc": ["-fopenmp"] }]
      ]
    }
  ]
}
