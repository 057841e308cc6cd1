// genlab's optional native kernels: matrix products and 2-D convolutions (forward, input
// gradient, filter gradient) computed in place on the tfjs wasm backend's heap.
//
// The heap is a WebAssembly.Memory; JavaScript passes a Uint8Array view of it (plain or shared
// memory) and byte offsets of the tensors, so nothing is copied in or out: the kernels read
// their inputs from and write their outputs to the tensors' own memory. Layouts are tfjs's:
// activations NHWC, filters [KH, KW, Ci, Co] (oneDNN's hwio), matrices row-major.
//
// Libraries (chosen when the addon is built, see binding.gyp and scripts/build-native.mjs):
//   GENLAB_HAVE_DNNL      oneDNN: products through dnnl_sgemm, convolutions through its
//                         primitives (cached per shape and thread count); the build's choice
//                         when present (measured faster than OpenBLAS on every product here, and
//                         one thread pool instead of two competing for 2 cores)
//   GENLAB_HAVE_OPENBLAS  OpenBLAS: products through cblas_sgemm, convolutions by im2col/col2im
//                         plus sgemm (the build when oneDNN is missing)
// Built with both (GENLAB_NATIVE_LIBS=openblas,dnnl), setGemmImpl and setConvImpl switch
// between them for measurements. Threads: setThreads (OpenMP's for oneDNN, OpenBLAS's own).
#include <node_api.h>
#include <pthread.h>

#include <immintrin.h>

#include <cmath>
#include <csignal>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "helper_thread.h"

#if !defined(GENLAB_HAVE_OPENBLAS) && !defined(GENLAB_HAVE_DNNL)
#error "genlab native kernels need OpenBLAS or oneDNN"
#endif

#ifdef GENLAB_HAVE_OPENBLAS
#include <cblas.h>
#endif
#ifdef GENLAB_HAVE_DNNL
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>
#endif

namespace {

// ---------------------------------------------------------------------------------------------
// N-API helpers

#define CHECK_NAPI(call)                                                     \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      napi_throw_error(env, nullptr, "genlab native: N-API call failed");    \
      return nullptr;                                                        \
    }                                                                        \
  } while (0)

struct Heap {
  uint8_t* base = nullptr;
  size_t length = 0;
};

bool GetHeap(napi_env env, napi_value v, Heap* heap) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok) return false;
  if (type != napi_uint8_array) return false;
  heap->base = static_cast<uint8_t*>(data);
  heap->length = length;
  return true;
}

bool GetInt64(napi_env env, napi_value v, int64_t* out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

/** argv[first .. first + count) as integers into out; false at the first that is not one. */
bool GetInt64s(napi_env env, const napi_value* argv, int first, int count, int64_t* out) {
  for (int i = 0; i < count; i++)
    if (!GetInt64(env, argv[first + i], &out[i])) return false;
  return true;
}

napi_value Throw(napi_env env, const std::string& msg) {
  napi_throw_error(env, nullptr, ("genlab native: " + msg).c_str());
  return nullptr;
}

/** Float pointer at byte offset `off` for `count` floats, or nullptr when out of the heap. */
float* At(const Heap& heap, int64_t off, int64_t count) {
  if (off < 0 || count < 0 || (off & 3) != 0) return nullptr;
  uint64_t end = static_cast<uint64_t>(off) + 4ull * static_cast<uint64_t>(count);
  if (end > heap.length) return nullptr;
  return reinterpret_cast<float*>(heap.base + off);
}

int g_threads = 1;
// Calls from several Node threads (worker_threads each with a backend) share the primitive cache
// and the im2col scratch: one call at a time.
std::mutex g_call;
// With both libraries: 0 = dnnl_sgemm (the default), 1 = OpenBLAS.
int g_gemm_impl = 0;

// ---------------------------------------------------------------------------------------------
// sgemm: row-major C[M, N] = alpha op(A)[M, K] op(B)[K, N] + beta C

// Threads for one call: all of them for work of at least `min_macs` multiply-adds, else one.
// Measured on 2 cores inside training steps: waking the second thread for a small call costs
// more than it saves (a [256,128] x [128,128] product between element-wise kernels: 103 us on
// one thread, 440 us on two; dcgan's 12.8M-multiply-add convolutions 0.62 / 0.70 ms), while
// large calls gain (dcgan's 411M: 6.97 / 4.77 ms).
// Where the line lies depends on how idle the second core is: with it free, mlp-vae's
// [128,784] x [784,512] (51M) took 0.80 ms on one thread and 0.47 on two, but inside mlp-vae
// steps on a machine running two background jobs, 2^24 instead of 2^26 made steps slower
// (30 -> 36 ms), so the defaults stay. setParallelMin (GENLAB_NATIVE_PARALLEL_MIN) moves them.
int64_t g_gemm_parallel_min = int64_t(1) << 26;
int64_t g_conv_parallel_min = int64_t(1) << 25;

void SetLibraryThreads(int n) {
#ifdef GENLAB_HAVE_OPENBLAS
  openblas_set_num_threads(n);
#endif
#ifdef GENLAB_HAVE_DNNL
  omp_set_num_threads(n);
#endif
}

// Signals are held back while a library call runs. oneDNN 2.x's JIT sgemm points RSP into the
// heap while it runs (oneDNN issue #4845, fixed in 3.11.2; Debian ships 2.6.3), so a signal
// handled on that thread writes its frame over heap memory: `node --cpu-prof` (V8 samples with
// SIGPROF) aborted in free() within a few products, and a bare dnnl_sgemm loop with a no-op
// SIGPROF handler did too; with the signals blocked around each call it ran clean. Signals that
// arrive meanwhile are delivered when the call returns; OpenMP's worker threads, created inside
// a call, inherit the blocked mask, so process-wide signals (Ctrl-C) go to the JavaScript thread.
class SignalsHeld {
 public:
  SignalsHeld() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old_);
  }
  ~SignalsHeld() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

class CallThreads {
 public:
  CallThreads(int64_t macs, int64_t min_macs) : n_(g_threads > 1 && macs < min_macs ? 1 : g_threads) {
    if (n_ != g_threads) SetLibraryThreads(n_);
  }
  ~CallThreads() {
    if (n_ != g_threads) SetLibraryThreads(g_threads);
  }
  int n() const { return n_; }

 private:
  int n_;
};

// C = alpha a b^T + beta C for vectors a [M], b [N] (a product with K = 1, e.g. the input
// gradient of a one-output dense layer): dnnl_sgemm took 0.58 ms for [64,1] x [1,6272].
__attribute__((target_clones("avx512f", "avx2", "default"))) void Outer(int64_t m, int64_t n, float alpha,
                                                                          const float* a, const float* b, float beta,
                                                                          float* c, int64_t ldc) {
  for (int64_t i = 0; i < m; i++) {
    const float ai = alpha * a[i];
    float* ci = c + i * ldc;
    if (beta == 0.f) {
      for (int64_t j = 0; j < n; j++) ci[j] = ai * b[j];
    } else {
      for (int64_t j = 0; j < n; j++) ci[j] = ai * b[j] + beta * ci[j];
    }
  }
}

void Sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0.f ? 0.f : beta * c[i * ldc + j];
    return;
  }
  if (k == 1 && (ta || lda == 1) && (!tb || ldb == 1)) {  // a and b are contiguous vectors
    Outer(m, n, alpha, a, b, beta, c, ldc);
    return;
  }
#if defined(GENLAB_HAVE_OPENBLAS) && defined(GENLAB_HAVE_DNNL)
  if (g_gemm_impl == 0) {
    dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
#endif
#ifdef GENLAB_HAVE_OPENBLAS
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta, c,
              static_cast<int>(ldc));
#else
  dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
}

// Split products: with more than one thread, a product below g_gemm_parallel_min and of at least
// g_split_min multiply-adds is cut into g_threads slabs of C (batch entries when there are enough,
// else columns when N is the larger side, else rows), each computed by a single-thread sgemm: the
// first on the calling thread, the others on persistent helpers (helper_thread.h says why not
// OpenMP's team). Each element of C is the same sum as unsplit, over the same K.
int64_t g_split_min = int64_t(1) << 20;
// Spin after a task: measured on mlp-vae steps (ms, 3 rounds): 0 us 24.0/22.3/21.7, 50 us
// 23.5/22.4/21.0, 200 us 22.6/19.6/18.4, 1000 us 22.9/19.0/18.9, 5000 us 23.3/20.5/19.1.
const std::chrono::microseconds kHelperSpin{200};

// The helpers, created on first use by a thread that holds its signals (so they never take one;
// see SignalsHeld) and never destroyed: they spin or sleep until the process exits.
genlab::HelperThread& Helper(size_t i) {
  static auto* helpers = new std::vector<std::unique_ptr<genlab::HelperThread>>();
  while (helpers->size() <= i) {
    helpers->emplace_back(new genlab::HelperThread(
        [] {
#ifdef GENLAB_HAVE_DNNL
          omp_set_num_threads(1);
#endif
        },
        kHelperSpin));
  }
  return *(*helpers)[i];
}

struct GemmArgs {
  int64_t batch;
  bool ta, tb;
  int64_t m, n, k;
  const float* a;
  const float* b;
  float* c;
  int64_t sa, sb;  // floats between batch entries of A and B (0 = broadcast)
};

// Part `part` of `parts` of the batched product (parts = 1: all of it).
void GemmPart(const GemmArgs& g, int part, int parts) {
  const int64_t lda = g.ta ? g.m : g.k, ldb = g.tb ? g.k : g.n;
  if (parts == 1 || g.batch >= parts) {
    const int64_t lo = g.batch * part / parts, hi = g.batch * (part + 1) / parts;
    for (int64_t i = lo; i < hi; i++) Sgemm(g.ta, g.tb, g.m, g.n, g.k, 1.f, g.a + i * g.sa, lda, g.b + i * g.sb, ldb, 0.f, g.c + i * g.m * g.n, g.n);
    return;
  }
  // Slab edges on multiples of 16 columns or 8 rows (whole vector registers in the kernels).
  const bool cols = g.n >= g.m;
  const int64_t extent = cols ? g.n : g.m, unit = cols ? 16 : 8;
  const int64_t units = (extent + unit - 1) / unit;
  const int64_t lo = std::min(extent, units * part / parts * unit), hi = std::min(extent, units * (part + 1) / parts * unit);
  if (lo >= hi) return;
  for (int64_t i = 0; i < g.batch; i++) {
    const float* a = g.a + i * g.sa;
    const float* b = g.b + i * g.sb;
    float* c = g.c + i * g.m * g.n;
    if (cols) {  // C[:, lo:hi] = op(A) op(B)[:, lo:hi]
      Sgemm(g.ta, g.tb, g.m, hi - lo, g.k, 1.f, a, lda, g.tb ? b + lo * ldb : b + lo, ldb, 0.f, c + lo, g.n);
    } else {  // C[lo:hi, :] = op(A)[lo:hi, :] op(B)
      Sgemm(g.ta, g.tb, hi - lo, g.n, g.k, 1.f, g.ta ? a + lo : a + lo * lda, lda, b, ldb, 0.f, c + lo * g.n, g.n);
    }
  }
}

// Runs part(0) .. part(parts - 1) at once: the first on the calling thread, the others on helpers.
void RunParts(int parts, const std::function<void(int)>& part) {
  for (int p = 1; p < parts; p++) Helper(p - 1).Start([&part, p] { part(p); });
  part(0);
  for (int p = 1; p < parts; p++) Helper(p - 1).Wait();
}

void SplitGemm(const GemmArgs& g, int parts) {
  RunParts(parts, [&g, parts](int p) { GemmPart(g, p, parts); });
}

// gemm(heap, batch, transA, transB, M, N, K, aOff, bOff, cOff, strideA, strideB)
// Batched: C_i = op(A_{i}) op(B_{i}); strides in floats between batch entries (0 = broadcast).
// op(A) is [M, K] (A stored [M, K], or [K, M] when transA); op(B) is [K, N].
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 12) return Throw(env, "gemm: expected 12 arguments");
  Heap heap;
  if (!GetHeap(env, argv[0], &heap)) return Throw(env, "gemm: argument 0 must be a Uint8Array over the heap");
  int64_t v[11];
  for (int i = 0; i < 11; i++) {
    if (i == 1 || i == 2) {
      bool flag = false;
      if (napi_get_value_bool(env, argv[i + 1], &flag) != napi_ok) return Throw(env, "gemm: transA/transB must be booleans");
      v[i] = flag;
    } else if (!GetInt64(env, argv[i + 1], &v[i])) {
      return Throw(env, "gemm: numeric argument expected");
    }
  }
  const int64_t batch = v[0], m = v[3], n = v[4], k = v[5];
  const bool ta = v[1], tb = v[2];
  const int64_t sa = v[9], sb = v[10];
  if (batch < 0 || m < 0 || n < 0 || k < 0) return Throw(env, "gemm: negative size");
  const float* a = At(heap, v[6], (batch - 1) * sa + m * k);
  const float* b = At(heap, v[7], (batch - 1) * sb + k * n);
  float* c = At(heap, v[8], batch * m * n);
  if (batch > 0 && (!a || !b || !c)) return Throw(env, "gemm: operand outside the heap");
  std::lock_guard<std::mutex> lock(g_call);
  SignalsHeld held;
  const int64_t macs = batch * m * n * k;
  CallThreads threads(macs, g_gemm_parallel_min);
  const GemmArgs args{batch, ta, tb, m, n, k, a, b, c, sa, sb};
  const bool split = g_threads > 1 && threads.n() == 1 && macs >= g_split_min;
  if (split) {
    SplitGemm(args, g_threads);
  } else {
    GemmPart(args, 0, 1);
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Convolutions. Geometry as tfjs's computeConv2DInfo gives it.

struct ConvGeom {
  int64_t n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  // Primitives fix their thread count when created, so the count is part of the key.
  std::string Key(int kind, int threads) const {
    std::string s(reinterpret_cast<const char*>(this), sizeof(*this));
    s.push_back(static_cast<char>(kind));
    s.append(reinterpret_cast<const char*>(&threads), sizeof(threads));
    return s;
  }
};

enum ConvKind { kForward = 0, kBackwardData = 1, kBackwardWeights = 2 };

// im2col + sgemm (the OpenBLAS-only path, and a baseline for measurements).
// Patch matrix P [N OH OW, KH KW Ci]: P[(n, y, x), (i, j, c)] = x[n, y sh + i dh - pt, x sw + j dw - pl, c]
void Im2col(const ConvGeom& g, const float* x, float* p) {
  const int64_t rowlen = g.kh * g.kw * g.ci;
  for (int64_t b = 0; b < g.n; b++) {
    for (int64_t y = 0; y < g.oh; y++) {
      for (int64_t xo = 0; xo < g.ow; xo++) {
        float* row = p + ((b * g.oh + y) * g.ow + xo) * rowlen;
        for (int64_t i = 0; i < g.kh; i++) {
          const int64_t iy = y * g.sh + i * g.dh - g.pt;
          for (int64_t j = 0; j < g.kw; j++) {
            const int64_t ix = xo * g.sw + j * g.dw - g.pl;
            float* dst = row + (i * g.kw + j) * g.ci;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
              std::memset(dst, 0, sizeof(float) * g.ci);
            } else {
              std::memcpy(dst, x + ((b * g.h + iy) * g.w + ix) * g.ci, sizeof(float) * g.ci);
            }
          }
        }
      }
    }
  }
}

// dx += scatter of P (the adjoint of Im2col); dx is zeroed first.
void Col2im(const ConvGeom& g, const float* p, float* dx) {
  std::memset(dx, 0, sizeof(float) * g.n * g.h * g.w * g.ci);
  const int64_t rowlen = g.kh * g.kw * g.ci;
  for (int64_t b = 0; b < g.n; b++) {
    for (int64_t y = 0; y < g.oh; y++) {
      for (int64_t xo = 0; xo < g.ow; xo++) {
        const float* row = p + ((b * g.oh + y) * g.ow + xo) * rowlen;
        for (int64_t i = 0; i < g.kh; i++) {
          const int64_t iy = y * g.sh + i * g.dh - g.pt;
          if (iy < 0 || iy >= g.h) continue;
          for (int64_t j = 0; j < g.kw; j++) {
            const int64_t ix = xo * g.sw + j * g.dw - g.pl;
            if (ix < 0 || ix >= g.w) continue;
            const float* src = row + (i * g.kw + j) * g.ci;
            float* dst = dx + ((b * g.h + iy) * g.w + ix) * g.ci;
            for (int64_t c = 0; c < g.ci; c++) dst[c] += src[c];
          }
        }
      }
    }
  }
}

bool IsPointwise(const ConvGeom& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pl == 0 && g.oh == g.h && g.ow == g.w;
}

std::vector<float>& Scratch(size_t floats) {
  static std::vector<float> buf;
  if (buf.size() < floats) buf.resize(floats);
  return buf;
}

void ConvGemm(int kind, const ConvGeom& g, float* a0, float* a1, float* out) {
  const int64_t rows = g.n * g.oh * g.ow;
  const int64_t kk = g.kh * g.kw * g.ci;
  const bool pw = IsPointwise(g);
  if (kind == kForward) {  // y [rows, Co] = P [rows, kk] W [kk, Co]
    const float* p = a0;
    if (!pw) {
      float* s = Scratch(rows * kk).data();
      Im2col(g, a0, s);
      p = s;
    }
    Sgemm(false, false, rows, g.co, kk, 1.f, p, kk, a1, g.co, 0.f, out, g.co);
  } else if (kind == kBackwardData) {  // P' [rows, kk] = dy [rows, Co] W^T; dx = col2im(P')
    if (pw) {
      Sgemm(false, true, rows, kk, g.co, 1.f, a0, g.co, a1, g.co, 0.f, out, kk);
      return;
    }
    float* s = Scratch(rows * kk).data();
    Sgemm(false, true, rows, kk, g.co, 1.f, a0, g.co, a1, g.co, 0.f, s, kk);
    Col2im(g, s, out);
  } else {  // dW [kk, Co] = P^T dy
    const float* p = a0;
    if (!pw) {
      float* s = Scratch(rows * kk).data();
      Im2col(g, a0, s);
      p = s;
    }
    Sgemm(true, false, kk, g.co, rows, 1.f, p, kk, a1, g.co, 0.f, out, g.co);
  }
}

#ifdef GENLAB_HAVE_DNNL
using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::engine& Engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}
dnnl::stream& Stream() {
  static dnnl::stream s(Engine());
  return s;
}

/** One convolution shape's primitives, created once and reused (weights repacked per call). */
struct DnnlConv {
  memory::desc act_in, act_out, user_w, prim_w;  // user layouts nhwc / hwio, and the primitive's
  dnnl::primitive prim;
  bool reorder_w = false;
  dnnl::reorder w_reorder;  // user -> prim (forward, backward data) or prim -> user (weights grad)
  memory w_mem;             // the primitive's weights when they differ from the user's
};

std::unordered_map<std::string, std::unique_ptr<DnnlConv>>& ConvCache() {
  static std::unordered_map<std::string, std::unique_ptr<DnnlConv>> cache;
  return cache;
}

DnnlConv* GetDnnlConv(int kind, const ConvGeom& g, int nthr) {
  auto& cache = ConvCache();
  const std::string key = g.Key(kind, nthr);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second.get();
  auto& eng = Engine();
  const memory::dims src_d = {g.n, g.ci, g.h, g.w};
  const memory::dims w_d = {g.co, g.ci, g.kh, g.kw};
  const memory::dims dst_d = {g.n, g.co, g.oh, g.ow};
  const memory::dims strides = {g.sh, g.sw};
  const memory::dims dil = {g.dh - 1, g.dw - 1};
  const memory::dims pl = {g.pt, g.pl};
  const memory::dims pr = {g.pb, g.pr};
  const memory::desc src_md(src_d, dt::f32, tag::nhwc);
  const memory::desc dst_md(dst_d, dt::f32, tag::nhwc);
  const memory::desc w_any(w_d, dt::f32, tag::any);
  const memory::desc w_user(w_d, dt::f32, tag::hwio);
  auto e = std::make_unique<DnnlConv>();
  e->user_w = w_user;
  dnnl::convolution_forward::desc fwd_desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src_md,
                                           w_any, dst_md, strides, dil, pl, pr);
  dnnl::convolution_forward::primitive_desc fwd_pd(fwd_desc, eng);
  if (kind == kForward) {
    e->act_in = src_md;
    e->act_out = dst_md;
    e->prim_w = fwd_pd.weights_desc();
    e->prim = dnnl::convolution_forward(fwd_pd);
  } else if (kind == kBackwardData) {
    dnnl::convolution_backward_data::desc bd(dnnl::algorithm::convolution_direct, src_md, w_any, dst_md, strides, dil, pl, pr);
    dnnl::convolution_backward_data::primitive_desc pd(bd, eng, fwd_pd);
    e->act_in = dst_md;
    e->act_out = src_md;
    e->prim_w = pd.weights_desc();
    e->prim = dnnl::convolution_backward_data(pd);
  } else {
    dnnl::convolution_backward_weights::desc bw(dnnl::algorithm::convolution_direct, src_md, w_any, dst_md, strides, dil, pl,
                                                pr);
    dnnl::convolution_backward_weights::primitive_desc pd(bw, eng, fwd_pd);
    e->act_in = src_md;
    e->act_out = dst_md;
    e->prim_w = pd.diff_weights_desc();
    e->prim = dnnl::convolution_backward_weights(pd);
  }
  e->reorder_w = e->prim_w != w_user;
  if (e->reorder_w) {
    e->w_mem = memory(e->prim_w, eng);
    e->w_reorder = kind == kBackwardWeights ? dnnl::reorder(dnnl::reorder::primitive_desc(eng, e->prim_w, eng, w_user))
                                            : dnnl::reorder(dnnl::reorder::primitive_desc(eng, w_user, eng, e->prim_w));
  }
  DnnlConv* raw = e.get();
  cache.emplace(key, std::move(e));
  return raw;
}

// a0, a1 -> out:  forward x, w -> y;  backward data dy, w -> dx;  backward weights x, dy -> dw
void ConvDnnl(int kind, const ConvGeom& g, float* a0, float* a1, float* out, int nthr) {
  DnnlConv* e = GetDnnlConv(kind, g, nthr);
  auto& eng = Engine();
  auto& s = Stream();
  if (kind == kBackwardWeights) {
    memory src(e->act_in, eng, a0);
    memory ddst(e->act_out, eng, a1);
    memory user_dw(e->user_w, eng, out);
    memory& dw = e->reorder_w ? e->w_mem : user_dw;
    e->prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_WEIGHTS, dw}});
    if (e->reorder_w) e->w_reorder.execute(s, e->w_mem, user_dw);
  } else {
    memory in(e->act_in, eng, a0);
    memory user_w(e->user_w, eng, a1);
    memory res(e->act_out, eng, out);
    if (e->reorder_w) e->w_reorder.execute(s, user_w, e->w_mem);
    memory& w = e->reorder_w ? e->w_mem : user_w;
    if (kind == kForward) {
      e->prim.execute(s, {{DNNL_ARG_SRC, in}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, res}});
    } else {
      e->prim.execute(s, {{DNNL_ARG_DIFF_DST, in}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DIFF_SRC, res}});
    }
  }
  s.wait();
}
#endif

// 0 = oneDNN except where im2col + sgemm measured faster (the default), 1 = im2col + sgemm
// always, 2 = oneDNN always. Without oneDNN: im2col.
int g_conv_impl = 0;

// Where oneDNN 2.6's convolutions lose to im2col + sgemm (ms, 64 images, 1 thread, dnnl / im2col):
// input gradients onto one or two channels, e.g. a transposed convolution to 1 channel
// (dcgan's 14x14x64 -> 28x28x1 k4 s2: 2.59 / 0.71; 28x28x32 -> 28x28x1 k3 bwd: 3.01 / 1.63).
bool UseIm2col(int kind, const ConvGeom& g) {
  if (g_conv_impl == 1) return true;
  if (g_conv_impl == 2) return false;
  return kind == kBackwardData && g.ci <= 2;
}

// conv(heap, kind, geom[17], off0, off1, offOut)
//   kind 0: x [N,H,W,Ci], w [KH,KW,Ci,Co] -> y [N,OH,OW,Co]
//   kind 1: dy [N,OH,OW,Co], w -> dx [N,H,W,Ci]
//   kind 2: x, dy -> dw [KH,KW,Ci,Co]
napi_value Conv(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 6) return Throw(env, "conv: expected 6 arguments");
  Heap heap;
  if (!GetHeap(env, argv[0], &heap)) return Throw(env, "conv: argument 0 must be a Uint8Array over the heap");
  int64_t kind = 0;
  if (!GetInt64(env, argv[1], &kind) || kind < 0 || kind > 2) return Throw(env, "conv: bad kind");
  bool is_array = false;
  CHECK_NAPI(napi_is_array(env, argv[2], &is_array));
  if (!is_array) return Throw(env, "conv: geometry must be an array");
  int64_t gv[17];
  for (uint32_t i = 0; i < 17; i++) {
    napi_value e;
    CHECK_NAPI(napi_get_element(env, argv[2], i, &e));
    if (!GetInt64(env, e, &gv[i])) return Throw(env, "conv: geometry entries must be integers");
  }
  ConvGeom g;
  std::memcpy(&g, gv, sizeof(g));
  if (g.n <= 0 || g.h <= 0 || g.w <= 0 || g.ci <= 0 || g.oh <= 0 || g.ow <= 0 || g.co <= 0 || g.kh <= 0 || g.kw <= 0 ||
      g.sh <= 0 || g.sw <= 0 || g.dh <= 0 || g.dw <= 0)
    return Throw(env, "conv: bad geometry");
  int64_t offs[3];
  for (int i = 0; i < 3; i++)
    if (!GetInt64(env, argv[3 + i], &offs[i])) return Throw(env, "conv: offsets must be integers");
  const int64_t xs = g.n * g.h * g.w * g.ci, ys = g.n * g.oh * g.ow * g.co, ws = g.kh * g.kw * g.ci * g.co;
  const int64_t sizes[3][3] = {{xs, ws, ys}, {ys, ws, xs}, {xs, ys, ws}};
  float* p[3];
  for (int i = 0; i < 3; i++) {
    p[i] = At(heap, offs[i], sizes[kind][i]);
    if (!p[i]) return Throw(env, "conv: operand outside the heap");
  }
  std::lock_guard<std::mutex> lock(g_call);
  SignalsHeld held;
  CallThreads threads(g.n * g.oh * g.ow * g.co * g.kh * g.kw * g.ci, g_conv_parallel_min);
  try {
#ifdef GENLAB_HAVE_DNNL
    if (!UseIm2col(static_cast<int>(kind), g)) {
      ConvDnnl(static_cast<int>(kind), g, p[0], p[1], p[2], threads.n());
      return nullptr;
    }
#endif
    ConvGemm(static_cast<int>(kind), g, p[0], p[1], p[2]);
  } catch (const std::exception& ex) {
    return Throw(env, std::string("conv: ") + ex.what());
  }
  return nullptr;
}


// ---------------------------------------------------------------------------------------------
// Element-wise exp and log1p. tfjs-wasm computes them one scalar libm call at a time (mlp-vae's
// 100k-element exp took ~1.2 ms per step); glibc's vector math library (libmvec, part of libc6)
// has AVX2 versions, 8 lanes per call, within 4 ulp of the scalar functions.

extern "C" __m256 _ZGVdN8v_expf(__m256);
extern "C" __m256 _ZGVdN8v_log1pf(__m256);

enum UnaryOp { kExp = 0, kLog1p = 1 };

__attribute__((target("avx2,fma"))) void UnaryAvx2(int op, const float* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    _mm256_storeu_ps(y + i, op == kExp ? _ZGVdN8v_expf(v) : _ZGVdN8v_log1pf(v));
  }
  if (i < n) {  // the tail through the same vector functions, so every element rounds alike
    float in[8] = {0, 0, 0, 0, 0, 0, 0, 0}, out[8];
    std::memcpy(in, x + i, sizeof(float) * (n - i));
    const __m256 v = _mm256_loadu_ps(in);
    _mm256_storeu_ps(out, op == kExp ? _ZGVdN8v_expf(v) : _ZGVdN8v_log1pf(v));
    std::memcpy(y + i, out, sizeof(float) * (n - i));
  }
}

void UnaryScalar(int op, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = op == kExp ? std::exp(x[i]) : std::log1p(x[i]);
}

// unary(heap, op, xOff, yOff, count): y = exp(x) (op 0) or log1p(x) (op 1), float32; y may be x.
napi_value Unary(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 5) return Throw(env, "unary: expected 5 arguments");
  Heap heap;
  if (!GetHeap(env, argv[0], &heap)) return Throw(env, "unary: argument 0 must be a Uint8Array over the heap");
  int64_t v[4];
  if (!GetInt64s(env, argv, 1, 4, v)) return Throw(env, "unary: integer arguments expected");
  if (v[0] != kExp && v[0] != kLog1p) return Throw(env, "unary: op must be 0 (exp) or 1 (log1p)");
  const float* x = At(heap, v[1], v[3]);
  float* y = At(heap, v[2], v[3]);
  if (!x || !y) return Throw(env, "unary: operand outside the heap");
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) {
    UnaryAvx2(static_cast<int>(v[0]), x, y, v[3]);
  } else {
    UnaryScalar(static_cast<int>(v[0]), x, y, v[3]);
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// One Adam step for one parameter tensor, the kernel pack's GenlabAdamUpdate
// (src/backend/kernels/adam_update.ts has the equations and the wasm version):
//   m' = b1 m + a1 g,  v' = b2 v + a2 g^2,  p' = p - k m' / (sqrt(v') r + eps)
// with a1 = 1 - b1, a2 = 1 - b2, k = lr / (1 - b1^t), r = 1 / sqrt(1 - b2^t). Memory-bound
// (7 floats moved per element), so large tensors are split over the threads: one core does not
// saturate the memory bus here (measured: mlp-vae's 12 updates, 1.38M parameters, 2.0-2.5 ms
// per step in wasm on one thread).

struct AdamArgs {
  const float *p, *g, *m, *v;
  float *p_out, *m_out, *v_out;
  float b1, a1, b2, a2, k, r, eps;
};

inline void AdamLoop(const AdamArgs& a, int64_t lo, int64_t hi) {
  for (int64_t i = lo; i < hi; i++) {
    const float gi = a.g[i];
    const float mi = a.b1 * a.m[i] + a.a1 * gi;
    const float vi = a.b2 * a.v[i] + a.a2 * gi * gi;
    a.m_out[i] = mi;
    a.v_out[i] = vi;
    a.p_out[i] = a.p[i] - a.k * mi / (std::sqrt(vi) * a.r + a.eps);
  }
}

// Written out: GCC left the loop above scalar here (4.5 ms for mlp-vae's updates on one thread,
// against 1.8 ms for the wasm kernel's f32x4).
__attribute__((target("avx2,fma"))) void AdamAvx2(const AdamArgs& a, int64_t lo, int64_t hi) {
  const __m256 b1 = _mm256_set1_ps(a.b1), a1 = _mm256_set1_ps(a.a1), b2 = _mm256_set1_ps(a.b2), a2 = _mm256_set1_ps(a.a2);
  const __m256 k = _mm256_set1_ps(a.k), r = _mm256_set1_ps(a.r), eps = _mm256_set1_ps(a.eps);
  int64_t i = lo;
  for (; i + 8 <= hi; i += 8) {
    const __m256 g = _mm256_loadu_ps(a.g + i);
    const __m256 m = _mm256_fmadd_ps(b1, _mm256_loadu_ps(a.m + i), _mm256_mul_ps(a1, g));
    const __m256 v = _mm256_fmadd_ps(b2, _mm256_loadu_ps(a.v + i), _mm256_mul_ps(a2, _mm256_mul_ps(g, g)));
    _mm256_storeu_ps(a.m_out + i, m);
    _mm256_storeu_ps(a.v_out + i, v);
    const __m256 den = _mm256_fmadd_ps(_mm256_sqrt_ps(v), r, eps);
    _mm256_storeu_ps(a.p_out + i, _mm256_sub_ps(_mm256_loadu_ps(a.p + i), _mm256_div_ps(_mm256_mul_ps(k, m), den)));
  }
  AdamLoop(a, i, hi);
}
void AdamPlain(const AdamArgs& a, int64_t lo, int64_t hi) { AdamLoop(a, lo, hi); }

void AdamRange(const AdamArgs& a, int64_t lo, int64_t hi) {
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) {
    AdamAvx2(a, lo, hi);
  } else {
    AdamPlain(a, lo, hi);
  }
}

// Below this many elements an update stays on the calling thread.
const int64_t kAdamSplitMin = int64_t(1) << 15;

// adam(heap, pOff, gOff, mOff, vOff, pOutOff, mOutOff, vOutOff, count, b1, a1, b2, a2, k, r, eps)
napi_value Adam(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 16) return Throw(env, "adam: expected 16 arguments");
  Heap heap;
  if (!GetHeap(env, argv[0], &heap)) return Throw(env, "adam: argument 0 must be a Uint8Array over the heap");
  int64_t off[8];
  if (!GetInt64s(env, argv, 1, 8, off)) return Throw(env, "adam: integer offsets and count expected");
  double c[7];
  for (int i = 0; i < 7; i++)
    if (napi_get_value_double(env, argv[i + 9], &c[i]) != napi_ok) return Throw(env, "adam: numeric coefficients expected");
  const int64_t n = off[7];
  float* ptr[7];
  for (int i = 0; i < 7; i++) {
    ptr[i] = At(heap, off[i], n);
    if (!ptr[i]) return Throw(env, "adam: operand outside the heap");
  }
  const AdamArgs a{ptr[0], ptr[1], ptr[2], ptr[3], ptr[4], ptr[5], ptr[6], static_cast<float>(c[0]), static_cast<float>(c[1]),
                   static_cast<float>(c[2]), static_cast<float>(c[3]), static_cast<float>(c[4]), static_cast<float>(c[5]),
                   static_cast<float>(c[6])};
  std::lock_guard<std::mutex> lock(g_call);
  SignalsHeld held;
  const int parts = n >= kAdamSplitMin ? g_threads : 1;
  // Slab edges on multiples of 16 elements (whole vectors).
  auto edge = [&](int part) { return std::min(n, (n / 16) * part / parts * 16 + (part == parts ? n : 0)); };
  RunParts(parts, [&a, &edge](int p) { AdamRange(a, edge(p), edge(p + 1)); });
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Threads, configuration, description

void ApplyThreads(int n) {
  g_threads = std::max(1, n);
  SetLibraryThreads(g_threads);
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t n = 1;
  if (argc < 1 || !GetInt64(env, argv[0], &n)) return Throw(env, "setThreads: integer expected");
  std::lock_guard<std::mutex> lock(g_call);
  SignalsHeld held;
  ApplyThreads(static_cast<int>(n));
  return nullptr;
}

napi_value SetParallelMin(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t gemm = 0, conv = 0;
  if (argc < 2 || !GetInt64(env, argv[0], &gemm) || !GetInt64(env, argv[1], &conv)) return Throw(env, "setParallelMin: two integers expected");
  std::lock_guard<std::mutex> lock(g_call);
  g_gemm_parallel_min = std::max<int64_t>(0, gemm);
  g_conv_parallel_min = std::max<int64_t>(0, conv);
  int64_t split = 0;
  if (argc >= 3 && GetInt64(env, argv[2], &split)) g_split_min = split < 0 ? INT64_MAX : split;
  return nullptr;
}

napi_value SetConvImpl(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t n = 0;
  if (argc < 1 || !GetInt64(env, argv[0], &n)) return Throw(env, "setConvImpl: integer expected");
#ifndef GENLAB_HAVE_DNNL
  n = 1;
#endif
  g_conv_impl = n == 1 || n == 2 ? static_cast<int>(n) : 0;
  return nullptr;
}

napi_value SetGemmImpl(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int64_t n = 0;
  if (argc < 1 || !GetInt64(env, argv[0], &n)) return Throw(env, "setGemmImpl: integer expected");
  g_gemm_impl = n == 1 ? 1 : 0;
  return nullptr;
}

napi_value SetString(napi_env env, napi_value obj, const char* name, const std::string& value) {
  napi_value v;
  napi_create_string_utf8(env, value.c_str(), value.size(), &v);
  napi_set_named_property(env, obj, name, v);
  return obj;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj;
  CHECK_NAPI(napi_create_object(env, &obj));
  std::string blas = "", dnnl = "";
#ifdef GENLAB_HAVE_OPENBLAS
  blas = openblas_get_config();
  blas = "OpenBLAS " + blas.substr(blas.find("OpenBLAS ") == 0 ? 9 : 0);
#endif
#ifdef GENLAB_HAVE_DNNL
  const dnnl_version_t* ver = dnnl_version();
  dnnl = "oneDNN " + std::to_string(ver->major) + "." + std::to_string(ver->minor) + "." + std::to_string(ver->patch);
#endif
  SetString(env, obj, "blas", blas);
  SetString(env, obj, "dnnl", dnnl);
#if defined(GENLAB_HAVE_OPENBLAS) && defined(GENLAB_HAVE_DNNL)
  SetString(env, obj, "gemm", g_gemm_impl == 0 ? "dnnl" : "openblas");
#elif defined(GENLAB_HAVE_OPENBLAS)
  SetString(env, obj, "gemm", "openblas");
#else
  SetString(env, obj, "gemm", "dnnl");
#endif
#ifdef GENLAB_HAVE_DNNL
  SetString(env, obj, "conv", g_conv_impl == 1 ? "im2col" : "dnnl");
#else
  SetString(env, obj, "conv", "im2col");
#endif
  napi_value t;
  napi_create_int32(env, g_threads, &t);
  napi_set_named_property(env, obj, "threads", t);
  return obj;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv", nullptr, Conv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setParallelMin", nullptr, SetParallelMin, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setConvImpl", nullptr, SetConvImpl, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setGemmImpl", nullptr, SetGemmImpl, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  ApplyThreads(1);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
