;; Memory-bound kernels that run on the tfjs wasm backend's own heap (genlab's kernel pack).
;; Addresses are byte offsets into that heap; counts and steps are in elements.
;; scripts/build-wasm.mjs assembles this file four times into src/backend/wasm/heap_kernels_wasm.ts:
;; shared memory (the threaded build) or plain memory, each with relaxed SIMD or without.
;; (f32x4.madd a b c) is not an instruction: it stands for a b + c, assembled as
;; f32x4.relaxed_madd in the relaxed modules (fused where the CPU has FMA) and as
;; (f32x4.add (f32x4.mul a b) c) in the plain ones, which are what this file was before it.
(module
  (import "env" "memory" (memory 1 65536 shared)) ;; MEMORY

  ;; One Adam step, f32x4 then a scalar tail:
  ;;   m' = b1 m + a1 g,  v' = b2 v + a2 g^2,  p' = p - k m' / (sqrt(v') r + eps)
  ;; with a1 = 1 - b1, a2 = 1 - b2, k = lr / (1 - b1^t), r = 1 / sqrt(1 - b2^t).
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32)
    (param $po i32) (param $mo i32) (param $vo i32) (param $n i32)
    (param $b1 f32) (param $a1 f32) (param $b2 f32) (param $a2 f32)
    (param $k f32) (param $r f32) (param $eps f32)
    (local $i i32) (local $end4 i32) (local $end i32)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128)
    (local $K v128) (local $R v128) (local $E v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $K (f32x4.splat (local.get $k)))
    (local.set $R (f32x4.splat (local.get $r)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (f32x4.madd
          (local.get $B1) (v128.load (i32.add (local.get $m) (local.get $i)))
          (f32x4.mul (local.get $A1) (local.get $gv))))
        (local.set $vv (f32x4.madd
          (local.get $B2) (v128.load (i32.add (local.get $v) (local.get $i)))
          (f32x4.mul (local.get $A2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $mo) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $vo) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $po) (local.get $i))
          (f32x4.sub
            (v128.load (i32.add (local.get $p) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $K) (local.get $mv))
              (f32x4.madd (f32x4.sqrt (local.get $vv)) (local.get $R) (local.get $E)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.add
          (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $i))))
          (f32.mul (local.get $a1) (local.get $gs))))
        (local.set $vs (f32.add
          (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $i))))
          (f32.mul (local.get $a2) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $mo) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $vo) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $po) (local.get $i))
          (f32.sub
            (f32.load (i32.add (local.get $p) (local.get $i)))
            (f32.div
              (f32.mul (local.get $k) (local.get $ms))
              (f32.add (f32.mul (f32.sqrt (local.get $vs)) (local.get $r)) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; One transpose tile, bit-exact 32-bit copies in square blocks of $t:
  ;;   dst[ia * outStepA + ib] = src[ia + ib * inStepB],  ia < dimA, ib < dimB
  ;; Reads are contiguous along ia, writes along ib; the blocks keep the strided side in cache.
  (func (export "tile")
    (param $src i32) (param $dst i32) (param $dimA i32) (param $dimB i32)
    (param $inStepB i32) (param $outStepA i32) (param $t i32)
    (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $b1 i32)
    (local $ia i32) (local $ib i32) (local $s i32) (local $o i32) (local $sb i32)
    (local.set $sb (i32.shl (local.get $inStepB) (i32.const 2)))
    (block $a_done
      (loop $a_blocks
        (br_if $a_done (i32.ge_u (local.get $a0) (local.get $dimA)))
        (local.set $a1 (select
          (local.get $dimA)
          (i32.add (local.get $a0) (local.get $t))
          (i32.gt_u (i32.add (local.get $a0) (local.get $t)) (local.get $dimA))))
        (local.set $b0 (i32.const 0))
        (block $b_done
          (loop $b_blocks
            (br_if $b_done (i32.ge_u (local.get $b0) (local.get $dimB)))
            (local.set $b1 (select
              (local.get $dimB)
              (i32.add (local.get $b0) (local.get $t))
              (i32.gt_u (i32.add (local.get $b0) (local.get $t)) (local.get $dimB))))
            (local.set $ia (local.get $a0))
            (block $rows_done
              (loop $rows
                (br_if $rows_done (i32.ge_u (local.get $ia) (local.get $a1)))
                (local.set $o (i32.add (local.get $dst)
                  (i32.shl (i32.add (i32.mul (local.get $ia) (local.get $outStepA)) (local.get $b0)) (i32.const 2))))
                (local.set $s (i32.add (local.get $src)
                  (i32.shl (i32.add (local.get $ia) (i32.mul (local.get $b0) (local.get $inStepB))) (i32.const 2))))
                (local.set $ib (local.get $b0))
                (block $cols_done
                  (loop $cols
                    (br_if $cols_done (i32.ge_u (local.get $ib) (local.get $b1)))
                    (i32.store (local.get $o) (i32.load (local.get $s)))
                    (local.set $o (i32.add (local.get $o) (i32.const 4)))
                    (local.set $s (i32.add (local.get $s) (local.get $sb)))
                    (local.set $ib (i32.add (local.get $ib) (i32.const 1)))
                    (br $cols)))
                (local.set $ia (i32.add (local.get $ia) (i32.const 1)))
                (br $rows)))
            (local.set $b0 (local.get $b1))
            (br $b_blocks)))
        (local.set $a0 (local.get $a1))
        (br $a_blocks))))

  ;; Leaky ReLU and its gradient, f32x4 then a scalar tail (n elements):
  ;;   y = x > 0 ? x : alpha x          dx = x > 0 ? dy : alpha dy
  (func (export "leaky_relu") (param $x i32) (param $y i32) (param $n i32) (param $alpha f32)
    (local $i i32) (local $end4 i32) (local $end i32) (local $A v128) (local $v v128) (local $s f32)
    (local.set $A (f32x4.splat (local.get $alpha)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (v128.store (i32.add (local.get $y) (local.get $i))
          (v128.bitselect (local.get $v) (f32x4.mul (local.get $v) (local.get $A))
            (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s (f32.load (i32.add (local.get $x) (local.get $i))))
        (f32.store (i32.add (local.get $y) (local.get $i))
          (select (local.get $s) (f32.mul (local.get $s) (local.get $alpha)) (f32.gt (local.get $s) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  (func (export "leaky_relu_grad") (param $dy i32) (param $x i32) (param $dx i32) (param $n i32) (param $alpha f32)
    (local $i i32) (local $end4 i32) (local $end i32) (local $A v128) (local $g v128) (local $s f32)
    (local.set $A (f32x4.splat (local.get $alpha)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $g (v128.load (i32.add (local.get $dy) (local.get $i))))
        (v128.store (i32.add (local.get $dx) (local.get $i))
          (v128.bitselect (local.get $g) (f32x4.mul (local.get $g) (local.get $A))
            (f32x4.gt (v128.load (i32.add (local.get $x) (local.get $i))) (v128.const f32x4 0 0 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s (f32.load (i32.add (local.get $dy) (local.get $i))))
        (f32.store (i32.add (local.get $dx) (local.get $i))
          (select (local.get $s) (f32.mul (local.get $s) (local.get $alpha))
            (f32.gt (f32.load (i32.add (local.get $x) (local.get $i))) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; Per-channel statistics and affine maps over x [n, C] (C a multiple of 4), for the fused
  ;; group and batch normalisation kernels. Sums accumulate in f64 (acc: C doubles, zeroed here).
  ;; The per-channel vectors (mean, scale, ...) are C floats each.

  ;; acc[c] = sum_p x[p, c]
  (func (export "chan_sum") (param $x i32) (param $n i32) (param $C i32) (param $acc i32)
    (local $p i32) (local $c i32) (local $row i32) (local $cb i32) (local $v v128) (local $a i32)
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $C) (i32.const 3)))
    (local.set $row (local.get $x))
    (block $p_done (loop $p_loop
      (br_if $p_done (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $c (i32.const 0))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_u (local.get $c) (local.get $cb)))
        (local.set $v (v128.load (i32.add (local.get $row) (local.get $c))))
        (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 1))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $c_loop)))
      (local.set $row (i32.add (local.get $row) (local.get $cb)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $p_loop))))

  ;; acc[c] = sum_p (x[p, c] - mean[c])^2
  (func (export "chan_sqdev") (param $x i32) (param $n i32) (param $C i32) (param $mean i32) (param $acc i32)
    (local $p i32) (local $c i32) (local $row i32) (local $cb i32) (local $v v128) (local $a i32)
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $C) (i32.const 3)))
    (local.set $row (local.get $x))
    (block $p_done (loop $p_loop
      (br_if $p_done (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $c (i32.const 0))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_u (local.get $c) (local.get $cb)))
        (local.set $v (f32x4.sub (v128.load (i32.add (local.get $row) (local.get $c))) (v128.load (i32.add (local.get $mean) (local.get $c)))))
        (local.set $v (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 1))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $c_loop)))
      (local.set $row (i32.add (local.get $row) (local.get $cb)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $p_loop))))

  ;; accDy[c] = sum_p dy[p, c],  accDyX[c] = sum_p dy[p, c] (x[p, c] - mean[c])
  (func (export "chan_dot") (param $dy i32) (param $x i32) (param $n i32) (param $C i32) (param $mean i32)
    (param $accDy i32) (param $accDyX i32)
    (local $p i32) (local $c i32) (local $off i32) (local $cb i32) (local $g v128) (local $v v128) (local $a i32)
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (memory.fill (local.get $accDy) (i32.const 0) (i32.shl (local.get $C) (i32.const 3)))
    (memory.fill (local.get $accDyX) (i32.const 0) (i32.shl (local.get $C) (i32.const 3)))
    (block $p_done (loop $p_loop
      (br_if $p_done (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $c (i32.const 0))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_u (local.get $c) (local.get $cb)))
        (local.set $g (v128.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $c)))))
        (local.set $v (f32x4.mul (local.get $g)
          (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $c)))) (v128.load (i32.add (local.get $mean) (local.get $c))))))
        (local.set $a (i32.add (local.get $accDy) (i32.shl (local.get $c) (i32.const 1))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $g))))
        (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g)))))
        (local.set $a (i32.add (local.get $accDyX) (i32.shl (local.get $c) (i32.const 1))))
        (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $a) (f64x2.add (v128.load offset=16 (local.get $a))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $c_loop)))
      (local.set $off (i32.add (local.get $off) (local.get $cb)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $p_loop))))

  ;; y[p, c] = (x[p, c] - mean[c]) scale[c] + shift[c]
  (func (export "chan_affine") (param $x i32) (param $n i32) (param $C i32) (param $mean i32) (param $scale i32)
    (param $shift i32) (param $y i32)
    (local $p i32) (local $c i32) (local $off i32) (local $cb i32)
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (block $p_done (loop $p_loop
      (br_if $p_done (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $c (i32.const 0))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_u (local.get $c) (local.get $cb)))
        (v128.store (i32.add (local.get $y) (i32.add (local.get $off) (local.get $c)))
          (f32x4.madd
            (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $c)))) (v128.load (i32.add (local.get $mean) (local.get $c))))
            (v128.load (i32.add (local.get $scale) (local.get $c)))
            (v128.load (i32.add (local.get $shift) (local.get $c)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $c_loop)))
      (local.set $off (i32.add (local.get $off) (local.get $cb)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $p_loop))))

  ;; dx[p, c] = a[c] dy[p, c] + b[c] (x[p, c] - mean[c]) + k[c]
  (func (export "chan_affine2") (param $dy i32) (param $x i32) (param $n i32) (param $C i32) (param $mean i32)
    (param $a i32) (param $b i32) (param $k i32) (param $dx i32)
    (local $p i32) (local $c i32) (local $off i32) (local $cb i32)
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (block $p_done (loop $p_loop
      (br_if $p_done (i32.ge_u (local.get $p) (local.get $n)))
      (local.set $c (i32.const 0))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_u (local.get $c) (local.get $cb)))
        (v128.store (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $c)))
          (f32x4.add
            (f32x4.madd
              (v128.load (i32.add (local.get $a) (local.get $c))) (v128.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $c))))
              (f32x4.mul (v128.load (i32.add (local.get $b) (local.get $c)))
                (f32x4.sub (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $c)))) (v128.load (i32.add (local.get $mean) (local.get $c))))))
            (v128.load (i32.add (local.get $k) (local.get $c)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $c_loop)))
      (local.set $off (i32.add (local.get $off) (local.get $cb)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $p_loop))))

  ;; SiLU's gradient from the saved sigmoid s = sigmoid(x), f32x4 then a scalar tail (n elements):
  ;;   dx = dy s (1 + x (1 - s))
  (func (export "silu_grad") (param $dy i32) (param $x i32) (param $s i32) (param $dx i32) (param $n i32)
    (local $i i32) (local $end4 i32) (local $end i32) (local $sv v128) (local $ss f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $sv (v128.load (i32.add (local.get $s) (local.get $i))))
        (v128.store (i32.add (local.get $dx) (local.get $i))
          (f32x4.mul
            (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $i))) (local.get $sv))
            (f32x4.madd
              (v128.load (i32.add (local.get $x) (local.get $i)))
              (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $sv))
              (v128.const f32x4 1 1 1 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $ss (f32.load (i32.add (local.get $s) (local.get $i))))
        (f32.store (i32.add (local.get $dx) (local.get $i))
          (f32.mul
            (f32.mul (f32.load (i32.add (local.get $dy) (local.get $i))) (local.get $ss))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $x) (local.get $i))) (f32.sub (f32.const 1) (local.get $ss)))
              (f32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; Broadcast add of a bias over rows, f32x4 then a scalar tail per row (the Add of a conv or
  ;; dense layer's bias, [N, H, W, C] + [C]; ~25% faster than the built-in's broadcast):
  ;;   y[r, c] = x[r, c] + b[c],  r < rows, c < nb
  (func (export "bias_add") (param $x i32) (param $b i32) (param $y i32) (param $rows i32) (param $nb i32)
    (local $r i32) (local $c i32) (local $cb i32) (local $cb4 i32) (local $off i32)
    (local.set $cb (i32.shl (local.get $nb) (i32.const 2)))
    (local.set $cb4 (i32.and (local.get $cb) (i32.const -16)))
    (block $r_done (loop $r_loop
      (br_if $r_done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $c_done (loop $c_loop
        (br_if $c_done (i32.ge_u (local.get $c) (local.get $cb4)))
        (v128.store (i32.add (local.get $y) (i32.add (local.get $off) (local.get $c)))
          (f32x4.add (v128.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $c))))
            (v128.load (i32.add (local.get $b) (local.get $c)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $c_loop)))
      (block $t_done (loop $t_loop
        (br_if $t_done (i32.ge_u (local.get $c) (local.get $cb)))
        (f32.store (i32.add (local.get $y) (i32.add (local.get $off) (local.get $c)))
          (f32.add (f32.load (i32.add (local.get $x) (i32.add (local.get $off) (local.get $c))))
            (f32.load (i32.add (local.get $b) (local.get $c)))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $t_loop)))
      (local.set $off (i32.add (local.get $off) (local.get $cb)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $r_loop))))

  ;; y = x + s over n floats, s the float at byte address $s (a broadcast scalar)
  (func (export "add_scalar") (param $x i32) (param $s i32) (param $y i32) (param $n i32)
    (local $i i32) (local $end4 i32) (local $end i32) (local $S v128) (local $sv f32)
    (local.set $sv (f32.load (local.get $s)))
    (local.set $S (f32x4.splat (local.get $sv)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vec_done
      (loop $vec
        (br_if $vec_done (i32.ge_u (local.get $i) (local.get $end4)))
        (v128.store (i32.add (local.get $y) (local.get $i)) (f32x4.add (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $S)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $y) (local.get $i)) (f32.add (f32.load (i32.add (local.get $x) (local.get $i))) (local.get $sv)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; `outer` runs of `bytes` bytes: src, src + srcStride, ... -> dst, dst + dstStride, ... (byte strides)
  (func (export "copy_runs") (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32)
    (param $outer i32) (param $bytes i32)
    (block $done (loop $runs
      (br_if $done (i32.eqz (local.get $outer)))
      (memory.copy (local.get $dst) (local.get $src) (local.get $bytes))
      (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
      (local.set $outer (i32.sub (local.get $outer) (i32.const 1)))
      (br $runs))))
)
