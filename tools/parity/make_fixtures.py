#!/usr/bin/env python3
"""Reference fixtures for the Java LLaVA-1.5 engine, produced by Hugging Face transformers itself.

Builds a tiny random LlavaForConditionalGeneration (CLIP vision tower + Llama text model) from configs
only (nothing is downloaded), saves it as a llava-hf style checkpoint, and records what transformers
computes for two prompts (one image, two images): last-position logits, the logits of the last four
prompt positions, greedy answers with their top-1/top-2 margins, and for the first prompt the vision
tower's layer -2 features and the projected image features.

With `--family llava_next` it builds a tiny random LlavaNextForConditionalGeneration instead (AnyRes
crops, unpad, image_newline) and records, for one prompt with one image and one with two images of other
sizes, the processor's pixel values, image sizes and image-token counts, the ids, last-position logits,
greedy answers with margins, and for the first prompt the packed image features.

With `--family qwen2_5_vl` it builds a tiny random Qwen2_5_VLForConditionalGeneration (windowed vision
tower, patch merger, Qwen2 decoder with M-RoPE) and records, for one prompt with one image and one with two,
the processor's pixel values, grids and expanded ids, get_rope_index's position ids, last-position logits,
greedy answers with margins, and for the first prompt the merged image features.

Usage:
    python tools/parity/make_fixtures.py --out DIR [--family llava|llava_next|qwen2_5_vl] [--seed 1234] [--device cpu|cuda]

Needs torch and transformers >= 4.52 (4.x and 5.x); tokenizers and safetensors come with transformers.
Exits non-zero with a message naming the problem when anything is off.
"""

import argparse
import json
import math
import os
import platform
import re
import sys
import traceback
import zlib

# Everything is built locally: make any accidental hub access fail fast instead of hanging.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class FixtureError(Exception):
    """A problem that makes the fixtures unusable; main() prints it and exits 1."""


# ---------------------------------------------------------------------------------------------------
# Fixed shapes and constants
# ---------------------------------------------------------------------------------------------------

IMAGE_SIZE = 56
PATCH_SIZE = 14
NUM_PATCHES = (IMAGE_SIZE // PATCH_SIZE) ** 2  # 16; strategy "default": +1 CLS -1 dropped CLS
VOCAB_SIZE = 300
IMAGE_TOKEN = "<image>"
IMAGE_TOKEN_ID = 3
PAD_ID, BOS_ID, EOS_ID = 0, 1, 2
MAX_NEW_TOKENS = 8
ROPE_THETA = 10000.0

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

# Re-initialisation spread: big enough that logits are far from uniform.
WEIGHT_STD = 0.2
NORM_NOISE = 0.1
BIAS_NOISE = 0.05

PROMPTS = [
    ("a", "USER: <image>\nwhat colour is the big circle ? ASSISTANT:", 1),
    ("b", "USER: <image>\n<image>\nwhich image has more red shapes ? ASSISTANT:", 2),
]

SPECIAL_TOKENS = ["<unk>", "<s>", "</s>", IMAGE_TOKEN]
WORDS = [
    "USER:", "ASSISTANT:", "what", "colour", "is", "the", "big", "circle", "?", "which", "image", "has",
    "more", "red", "shapes", "how", "many", "are", "there", "blue", "green", "left", "right", "one",
    "two", "three", "first", "second", "small", "square", "yes", "no",
]

OUTPUT_FILES = [
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "preprocessor_config.json",
    "expected.json",
    "inputs.safetensors",
]
MAX_TOTAL_BYTES = 5 * 1024 * 1024
PLAIN_NAME = re.compile(r"^[A-Za-z0-9._-]+$")

# Old (published llava-hf) -> new (transformers >= 4.52) weight names; used only to give every
# parameter a layout-independent seed.
OLD_TO_NEW_NAMES = [
    (re.compile(r"^language_model\.model\."), "model.language_model."),
    (re.compile(r"^language_model\.lm_head\."), "lm_head."),
    (re.compile(r"^vision_tower\."), "model.vision_tower."),
    (re.compile(r"^multi_modal_projector\."), "model.multi_modal_projector."),
]


def log(msg):
    print(f"[make_fixtures] {msg}", flush=True)


def warn(msg, warnings):
    warnings.append(msg)
    print(f"[make_fixtures] WARNING: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------
# Imports with version checks
# ---------------------------------------------------------------------------------------------------

def import_stack():
    try:
        import torch
    except ImportError as e:
        raise FixtureError(f"PyTorch is not importable ({e}); install torch first") from e
    try:
        import transformers
    except ImportError as e:
        raise FixtureError(f"transformers is not importable ({e}); install transformers >= 4.52") from e
    try:
        import tokenizers
        import safetensors
        import safetensors.torch  # noqa: F401
    except ImportError as e:
        raise FixtureError(f"tokenizers/safetensors missing ({e}); they normally come with transformers") from e
    major_minor = re.match(r"^(\d+)\.(\d+)", transformers.__version__)
    if not major_minor:
        raise FixtureError(f"cannot parse transformers version {transformers.__version__!r}")
    ver = (int(major_minor.group(1)), int(major_minor.group(2)))
    if ver < (4, 52):
        raise FixtureError(f"transformers {transformers.__version__} is too old; need >= 4.52 (LlavaModel layout)")
    return torch, transformers, tokenizers, safetensors, ver


# ---------------------------------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------------------------------

def build_vocab():
    vocab = {}
    for tok in SPECIAL_TOKENS + WORDS:
        if tok in vocab:
            raise FixtureError(f"duplicate vocabulary entry {tok!r}")
        vocab[tok] = len(vocab)
    i = 0
    while len(vocab) < VOCAB_SIZE:
        vocab[f"w{i}"] = len(vocab)
        i += 1
    if vocab[IMAGE_TOKEN] != IMAGE_TOKEN_ID or vocab["<s>"] != BOS_ID or vocab["</s>"] != EOS_ID:
        raise FixtureError("special token ids are not <unk>=0 <s>=1 </s>=2 <image>=3")
    return vocab


def build_tokenizer(tokenizers_mod):
    from tokenizers import AddedToken, Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import WhitespaceSplit
    from tokenizers.processors import TemplateProcessing

    vocab = build_vocab()
    tok = Tokenizer(WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = WhitespaceSplit()
    # Special added tokens are split out of the raw text before pre-tokenization, so "<image>\n"
    # yields id 3 even without surrounding spaces (as in the llava-hf prompts).
    tok.add_special_tokens(
        [AddedToken(t, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
         for t in SPECIAL_TOKENS]
    )
    tok.post_processor = TemplateProcessing(
        single="<s> $A",
        pair="<s> $A $B:1",
        special_tokens=[("<s>", BOS_ID)],
    )
    for t in SPECIAL_TOKENS:
        if tok.token_to_id(t) != vocab[t]:
            raise FixtureError(f"tokenizer gave {t!r} id {tok.token_to_id(t)}, expected {vocab[t]}")
    if tok.get_vocab_size(with_added_tokens=True) != VOCAB_SIZE:
        raise FixtureError(f"tokenizer vocabulary is {tok.get_vocab_size(True)}, expected {VOCAB_SIZE}")
    return tok


def tokenizer_config_json():
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<unk>",
        "add_bos_token": True,
        "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": 512,
    }


def expand_image_tokens_in_text(prompt):
    # What LlavaProcessor does: each "<image>" becomes num_image_tokens copies before tokenizing.
    return prompt.replace(IMAGE_TOKEN, IMAGE_TOKEN * NUM_PATCHES)


def expand_image_ids(ids):
    out = []
    for i in ids:
        out.extend([i] * NUM_PATCHES if i == IMAGE_TOKEN_ID else [i])
    return out


# ---------------------------------------------------------------------------------------------------
# Images and pixel values
# ---------------------------------------------------------------------------------------------------

def make_image(torch, gen, n_shapes, red_bias):
    """A 56x56 RGB uint8 image [H, W, 3]: tinted gradient background, pixel noise, circles and squares."""
    h = w = IMAGE_SIZE
    yy, xx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    base = torch.randint(40, 216, (3,), generator=gen).double()
    slope = (torch.rand(3, 2, generator=gen, dtype=torch.float64) - 0.5) * 3.0
    img = base.view(3, 1, 1) + slope[:, 0].view(3, 1, 1) * (xx - w / 2) + slope[:, 1].view(3, 1, 1) * (yy - h / 2)
    img = img + torch.randint(-10, 11, (3, h, w), generator=gen).double()
    for k in range(n_shapes):
        colour = torch.randint(0, 256, (3,), generator=gen).double()
        if k < red_bias:
            colour = torch.tensor([200.0 + float(torch.randint(0, 56, (1,), generator=gen)), 20.0, 30.0],
                                  dtype=torch.float64)
        cx = int(torch.randint(8, w - 8, (1,), generator=gen))
        cy = int(torch.randint(8, h - 8, (1,), generator=gen))
        r = int(torch.randint(4, 13, (1,), generator=gen))
        if int(torch.randint(0, 2, (1,), generator=gen)) == 0:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        else:
            mask = ((xx - cx).abs() <= r) & ((yy - cy).abs() <= r)
        img[:, mask] = colour.view(3, 1)
    img = img.round().clamp(0, 255).to(torch.uint8)
    return img.permute(1, 2, 0).contiguous()  # HWC


def pixel_values_from_images(torch, images_hwc):
    """CLIP preprocessing without resize/crop (56x56 is already the crop): like the slow
    CLIPImageProcessor, rescale in float64, cast to float32, normalise in float32."""
    x = torch.stack([im.permute(2, 0, 1) for im in images_hwc])  # [N,3,H,W] uint8
    x = (x.double() * (1.0 / 255.0)).float()
    mean = torch.tensor(CLIP_MEAN, dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(CLIP_STD, dtype=torch.float32).view(1, 3, 1, 1)
    return ((x - mean) / std).contiguous()


def preprocessor_config_json():
    return {
        "image_processor_type": "CLIPImageProcessor",
        "processor_class": "LlavaProcessor",
        "do_resize": True,
        "size": {"shortest_edge": IMAGE_SIZE},
        "resample": 3,
        "do_center_crop": True,
        "crop_size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
        "do_rescale": True,
        "rescale_factor": 1.0 / 255.0,
        "do_normalize": True,
        "image_mean": CLIP_MEAN,
        "image_std": CLIP_STD,
        "do_convert_rgb": True,
    }


# ---------------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------------

def build_config(transformers, ver):
    from transformers import CLIPVisionConfig, LlamaConfig, LlavaConfig

    vision = CLIPVisionConfig(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_channels=3,
        image_size=IMAGE_SIZE,
        patch_size=PATCH_SIZE,
        hidden_act="quick_gelu",
        layer_norm_eps=1e-5,
        attention_dropout=0.0,
        projection_dim=32,
        attn_implementation="eager",
    )
    text_kwargs = dict(
        vocab_size=VOCAB_SIZE,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_key_value_heads=2,
        hidden_act="silu",
        max_position_embeddings=512,
        rms_norm_eps=1e-5,
        tie_word_embeddings=False,
        attention_bias=False,
        mlp_bias=False,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
        attn_implementation="eager",
    )
    # v5 keeps RoPE settings in `rope_parameters`; 4.x reads `rope_theta`.
    if ver >= (5, 0):
        text_kwargs["rope_parameters"] = {"rope_type": "default", "rope_theta": ROPE_THETA}
    else:
        text_kwargs["rope_theta"] = ROPE_THETA
    text = LlamaConfig(**text_kwargs)

    config = LlavaConfig(
        vision_config=vision,
        text_config=text,
        image_token_index=IMAGE_TOKEN_ID,
        projector_hidden_act="gelu",
        vision_feature_select_strategy="default",
        vision_feature_layer=-2,
        image_seq_length=NUM_PATCHES,
        multimodal_projector_bias=True,
        tie_word_embeddings=False,
        pad_token_id=PAD_ID,
        attn_implementation="eager",
    )
    force_eager(config)
    check_config(config)
    return config


def force_eager(config):
    # 4.x stores it per config; 5.x propagates through the setter. Set all three to be sure.
    for c in (config, config.text_config, config.vision_config):
        try:
            c._attn_implementation = "eager"
        except Exception:  # older attribute handling: fall back to the internal field
            c._attn_implementation_internal = "eager"


def rope_theta_of(text_config):
    params = getattr(text_config, "rope_parameters", None)
    if isinstance(params, dict) and "rope_theta" in params:
        return float(params["rope_theta"])
    theta = getattr(text_config, "rope_theta", None)
    return None if theta is None else float(theta)


def check_config(config):
    t, v = config.text_config, config.vision_config
    expect = {
        "text.vocab_size": (t.vocab_size, VOCAB_SIZE),
        "text.hidden_size": (t.hidden_size, 64),
        "text.intermediate_size": (t.intermediate_size, 128),
        "text.num_hidden_layers": (t.num_hidden_layers, 3),
        "text.num_attention_heads": (t.num_attention_heads, 4),
        "text.num_key_value_heads": (t.num_key_value_heads, 2),
        "text.rms_norm_eps": (t.rms_norm_eps, 1e-5),
        "text.max_position_embeddings": (t.max_position_embeddings, 512),
        "text.rope_theta": (rope_theta_of(t), ROPE_THETA),
        "text.hidden_act": (t.hidden_act, "silu"),
        "vision.hidden_size": (v.hidden_size, 32),
        "vision.intermediate_size": (v.intermediate_size, 64),
        "vision.num_hidden_layers": (v.num_hidden_layers, 3),
        "vision.num_attention_heads": (v.num_attention_heads, 4),
        "vision.image_size": (v.image_size, IMAGE_SIZE),
        "vision.patch_size": (v.patch_size, PATCH_SIZE),
        "vision.hidden_act": (v.hidden_act, "quick_gelu"),
        "vision.layer_norm_eps": (v.layer_norm_eps, 1e-5),
        "image_token_index": (config.image_token_index, IMAGE_TOKEN_ID),
        "vision_feature_layer": (config.vision_feature_layer, -2),
        "vision_feature_select_strategy": (config.vision_feature_select_strategy, "default"),
        "projector_hidden_act": (config.projector_hidden_act, "gelu"),
        "tie_word_embeddings": (bool(config.tie_word_embeddings), False),
        "text.tie_word_embeddings": (bool(t.tie_word_embeddings), False),
    }
    bad = [f"{k}={got!r} (want {want!r})" for k, (got, want) in expect.items() if got != want]
    if bad:
        raise FixtureError("the built LlavaConfig differs from the intended one: " + ", ".join(bad))


def canonical_name(name):
    for pattern, repl in OLD_TO_NEW_NAMES:
        name = pattern.sub(repl, name)
    return name


def reinitialise(torch, model, seed):
    """Re-draw every parameter from a generator seeded by (seed, canonical name), so the weights do
    not depend on module traversal order or on the transformers version's layout."""
    count = 0
    with torch.no_grad():
        for name, p in model.named_parameters():
            cname = canonical_name(name)
            gen = torch.Generator(device="cpu").manual_seed(
                (seed * 1_000_003 + zlib.crc32(cname.encode("utf-8"))) % (2 ** 63))
            noise = torch.randn(p.shape, generator=gen, dtype=torch.float32)
            if cname.endswith(".bias"):
                value = BIAS_NOISE * noise
            elif p.dim() == 1 and cname.endswith(".weight"):
                # LayerNorm / RMSNorm scales are the only 1-D weights in this model.
                value = 1.0 + NORM_NOISE * noise
            elif p.dim() >= 2 and cname.endswith(".weight"):
                value = WEIGHT_STD * noise
            elif cname.endswith("class_embedding"):
                value = WEIGHT_STD * noise
            elif cname.endswith("image_newline"):
                # LLaVA-NeXT's learned row separator: drawn like the other weights.
                value = WEIGHT_STD * noise
            else:
                raise FixtureError(f"no re-initialisation rule for parameter {name} {tuple(p.shape)}")
            p.copy_(value.to(p.dtype))
            count += 1
    return count


def submodule(model, name):
    """`model.model.<name>` (transformers >= 4.52, LlavaModel inside) or `model.<name>` (older)."""
    import torch

    inner = getattr(model, "model", None)
    mod = getattr(inner, name, None) if inner is not None else None
    if not isinstance(mod, torch.nn.Module):
        mod = getattr(model, name, None)
    if not isinstance(mod, torch.nn.Module):
        raise FixtureError(f"cannot find the {name} module on {type(model).__name__}")
    return mod


def attn_implementations(model):
    seen = {}
    for mod_name, mod in model.named_modules():
        cfg = getattr(mod, "config", None)
        if cfg is None:
            continue
        try:
            impl = cfg._attn_implementation
        except Exception:
            impl = getattr(cfg, "_attn_implementation_internal", None)
        seen[type(cfg).__name__] = impl
    return seen


def build_model(torch, transformers, ver, seed, warnings):
    from transformers import GenerationConfig, LlavaForConditionalGeneration

    torch.manual_seed(seed)
    config = build_config(transformers, ver)
    model = LlavaForConditionalGeneration(config)
    model = model.to(dtype=torch.float32)
    model.eval()

    impls = attn_implementations(model)
    if any(v != "eager" for v in impls.values()):
        setter = getattr(model, "set_attn_implementation", None)
        if callable(setter):
            setter("eager")
            impls = attn_implementations(model)
    if any(v != "eager" for v in impls.values()):
        warn(f"attention implementation is not eager everywhere: {impls} (math is the same, rounding differs)",
             warnings)

    n = reinitialise(torch, model, seed)
    with torch.no_grad():
        # A real LLaVA never predicts <image>; a zero lm_head row keeps its logit at exactly 0 so greedy
        # decoding here never emits it either (a generated <image> could not be fed back).
        model.get_output_embeddings().weight[IMAGE_TOKEN_ID].zero_()

    emb = model.get_input_embeddings().weight
    head = model.get_output_embeddings().weight
    if emb.data_ptr() == head.data_ptr():
        raise FixtureError("lm_head.weight is tied to embed_tokens.weight although tie_word_embeddings=False")
    if tuple(emb.shape) != (VOCAB_SIZE, 64) or tuple(head.shape) != (VOCAB_SIZE, 64):
        raise FixtureError(f"unexpected embedding shapes {tuple(emb.shape)} / {tuple(head.shape)}")
    for name, p in model.named_parameters():
        if p.dtype != torch.float32:
            raise FixtureError(f"parameter {name} is {p.dtype}, expected float32")

    model.generation_config = GenerationConfig(bos_token_id=BOS_ID, eos_token_id=EOS_ID, pad_token_id=PAD_ID)
    log(f"built LlavaForConditionalGeneration: {n} parameter tensors, "
        f"{sum(p.numel() for p in model.parameters())} values, attention {impls}")
    return model, impls


# ---------------------------------------------------------------------------------------------------
# Running the model
# ---------------------------------------------------------------------------------------------------

def forward_logits(torch, model, ids, pv, device, dtype):
    input_ids = torch.tensor([ids], dtype=torch.long, device=device)
    attn = torch.ones_like(input_ids)
    out = model(input_ids=input_ids, pixel_values=pv.to(device=device, dtype=dtype), attention_mask=attn)
    logits = out.logits
    if logits is None or tuple(logits.shape) != (1, len(ids), VOCAB_SIZE):
        raise FixtureError(f"unexpected logits shape {None if logits is None else tuple(logits.shape)}")
    if not torch.isfinite(logits).all():
        raise FixtureError("the model produced non-finite logits")
    return logits[0].detach().to("cpu", torch.float64), getattr(out, "image_hidden_states", None)


def greedy_manual(torch, model, ids, pv, device, dtype):
    """Greedy decoding by full recomputation at every step, reading the logits in the model's own
    dtype (generate() casts them to float32 first); also returns the top-1/top-2 margins."""
    seq = list(ids)
    new, margins = [], []
    for _ in range(MAX_NEW_TOKENS):
        logits, _ = forward_logits(torch, model, seq, pv, device, dtype)
        last = logits[-1]
        top = torch.topk(last, 2)
        nxt = int(torch.argmax(last))
        if nxt == IMAGE_TOKEN_ID:
            raise FixtureError("greedy decoding produced <image>, which cannot be re-fed; pick another --seed")
        margins.append(float(top.values[0] - top.values[1]))
        new.append(nxt)
        seq.append(nxt)
        if nxt == EOS_ID:
            break
    return new, margins


def greedy_generate(torch, model, ids, pv, device, dtype):
    input_ids = torch.tensor([ids], dtype=torch.long, device=device)
    out = model.generate(
        input_ids=input_ids,
        pixel_values=pv.to(device=device, dtype=dtype),
        attention_mask=torch.ones_like(input_ids),
        do_sample=False,
        max_new_tokens=MAX_NEW_TOKENS,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
    )
    seqs = out.sequences if hasattr(out, "sequences") else out
    full = seqs[0].tolist()
    if full[: len(ids)] != list(ids):
        raise FixtureError("generate() returned a sequence that does not start with the prompt")
    return full[len(ids):]


def vision_features(torch, model, config, pv_one, device, dtype):
    """Layer `vision_feature_layer` hidden states without CLS, and their projection, for one image."""
    tower = submodule(model, "vision_tower")
    projector = submodule(model, "multi_modal_projector")
    out = tower(pv_one.to(device=device, dtype=dtype), output_hidden_states=True)
    hidden = getattr(out, "hidden_states", None)
    n_layers = config.vision_config.num_hidden_layers
    if hidden is None or len(hidden) != n_layers + 1:
        raise FixtureError(f"vision tower returned {None if hidden is None else len(hidden)} hidden states, "
                           f"expected {n_layers + 1}")
    selected = hidden[config.vision_feature_layer][:, 1:]  # drop CLS ("default" strategy)
    projected = projector(selected)
    v = selected[0].detach().to("cpu", torch.float64)
    p = projected[0].detach().to("cpu", torch.float64)
    if tuple(v.shape) != (NUM_PATCHES, 32) or tuple(p.shape) != (NUM_PATCHES, 64):
        raise FixtureError(f"unexpected feature shapes {tuple(v.shape)} / {tuple(p.shape)}")
    return v, p


# ---------------------------------------------------------------------------------------------------
# Output directory
# ---------------------------------------------------------------------------------------------------

def prepare_out_dir(out, output_files=OUTPUT_FILES):
    os.makedirs(out, exist_ok=True)
    strangers = sorted(set(os.listdir(out)) - set(output_files))
    if strangers:
        raise FixtureError(f"output directory {out} holds files this script does not write: {strangers}; "
                           "use an empty directory")
    for name in output_files:
        path = os.path.join(out, name)
        if os.path.exists(path):
            os.remove(path)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, ensure_ascii=True, allow_nan=False)
        f.write("\n")


def safetensors_header(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        return json.loads(f.read(n).decode("utf-8"))


def weight_layout(names):
    if any(n.startswith("model.language_model.") for n in names):
        return "model.language_model"
    if any(n.startswith("language_model.model.") for n in names):
        return "language_model.model"
    return "unknown"


def check_out_dir(out, warnings, output_files=OUTPUT_FILES):
    files = sorted(os.listdir(out))
    odd = [f for f in files if not PLAIN_NAME.match(f)]
    if odd:
        raise FixtureError(f"output file names are not plain: {odd}")
    missing = [f for f in output_files if f not in files]
    if missing:
        raise FixtureError(f"expected output files are missing: {missing} (present: {files})")
    extra = [f for f in files if f not in output_files]
    if extra:
        warn(f"save_pretrained wrote extra files {extra}; the Java test only reads {output_files}", warnings)
    total = sum(os.path.getsize(os.path.join(out, f)) for f in files)
    if total > MAX_TOTAL_BYTES:
        raise FixtureError(f"output is {total} bytes, over the {MAX_TOTAL_BYTES}-byte limit")
    return files, total


# ---------------------------------------------------------------------------------------------------
# Optional cross-checks against transformers' own processor classes (informational)
# ---------------------------------------------------------------------------------------------------

def cross_check_processor(torch, out, cases, images, warnings):
    result = {}
    try:
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(out, local_files_only=True)
        result["auto_tokenizer_class"] = type(tok).__name__
        result["auto_tokenizer_ids_match"] = all(
            tok(expand_image_tokens_in_text(c["prompt"]))["input_ids"] == c["input_ids"] for c in cases)
        if not result["auto_tokenizer_ids_match"]:
            warn("AutoTokenizer gives other ids than tokenizer.json via tokenizers (reference uses the latter)",
                 warnings)
    except Exception as e:  # informational only
        result["auto_tokenizer_error"] = f"{type(e).__name__}: {e}"
        return result
    try:
        from PIL import Image
        from transformers import AutoImageProcessor, LlavaProcessor
        ip = AutoImageProcessor.from_pretrained(out, local_files_only=True)
        result["image_processor_class"] = type(ip).__name__
        processor = LlavaProcessor(image_processor=ip, tokenizer=tok, patch_size=PATCH_SIZE,
                                   vision_feature_select_strategy="default", num_additional_image_tokens=1,
                                   image_token=IMAGE_TOKEN)
        diffs, ids_match = [], True
        for c in cases:
            pil = [Image.fromarray(im.numpy()) for im in images[c["name"]]]
            enc = processor(images=pil, text=c["prompt"], return_tensors="pt")
            ids_match = ids_match and enc["input_ids"][0].tolist() == c["input_ids"]
            diffs.append(float((enc["pixel_values"].float() - c["_pixel_values"]).abs().max()))
        result["llava_processor_ids_match"] = ids_match
        result["llava_processor_pixel_max_abs_diff"] = max(diffs)
        if not ids_match:
            warn("LlavaProcessor expands the prompts to other ids than this script", warnings)
    except Exception as e:  # informational only
        result["llava_processor_error"] = f"{type(e).__name__}: {e}"
    return result


# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------

def run_llava(args):
    torch, transformers, tokenizers_mod, safetensors_mod, ver = import_stack()
    import safetensors.torch as st
    from transformers import LlavaForConditionalGeneration

    warnings = []
    if args.device == "cuda" and not torch.cuda.is_available():
        raise FixtureError("--device cuda given but torch.cuda.is_available() is False")
    device = torch.device(args.device)
    # Plain IEEE float32 on GPUs too (no TF32), so the float32 numbers mean what they say.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")

    out = os.path.abspath(args.out)
    prepare_out_dir(out)
    log(f"transformers {transformers.__version__}, torch {torch.__version__}, device {device}, out {out}")

    # --- tokenizer and prompts ---
    tok = build_tokenizer(tokenizers_mod)
    tok.save(os.path.join(out, "tokenizer.json"))
    write_json(os.path.join(out, "tokenizer_config.json"), tokenizer_config_json())
    write_json(os.path.join(out, "preprocessor_config.json"), preprocessor_config_json())

    gen = torch.Generator(device="cpu").manual_seed(args.seed)
    images = {"a": [make_image(torch, gen, 3, 1)],
              "b": [make_image(torch, gen, 4, 1), make_image(torch, gen, 4, 3)]}

    cases = []
    for name, prompt, n_images in PROMPTS:
        raw_ids = tok.encode(prompt).ids
        if raw_ids.count(IMAGE_TOKEN_ID) != n_images or raw_ids[0] != BOS_ID:
            raise FixtureError(f"prompt {name!r} tokenized to {raw_ids}: expected <s> first and {n_images} <image>")
        if 0 in raw_ids:
            raise FixtureError(f"prompt {name!r} has unknown words: {tok.encode(prompt).tokens}")
        ids = tok.encode(expand_image_tokens_in_text(prompt)).ids
        if ids != expand_image_ids(raw_ids):
            raise FixtureError(f"prompt {name!r}: text-level and id-level <image> expansion disagree")
        pv = pixel_values_from_images(torch, images[name])
        if tuple(pv.shape) != (n_images, 3, IMAGE_SIZE, IMAGE_SIZE):
            raise FixtureError(f"pixel_values for {name!r} have shape {tuple(pv.shape)}")
        cases.append({"name": name, "prompt": prompt, "num_images": n_images,
                      "input_ids_unexpanded": raw_ids, "input_ids": ids, "_pixel_values": pv})

    # --- model: build, save, reload check ---
    model, impls = build_model(torch, transformers, ver, args.seed, warnings)
    config = model.config
    try:
        if ver >= (5, 0):
            model.save_pretrained(out)  # v5 always writes safetensors and has no safe_serialization
        else:
            model.save_pretrained(out, safe_serialization=True)
    except TypeError:
        model.save_pretrained(out)
    if not os.path.exists(os.path.join(out, "generation_config.json")):
        model.generation_config.save_pretrained(out)
    header = safetensors_header(os.path.join(out, "model.safetensors"))
    weight_names = sorted(k for k in header if k != "__metadata__")
    dtypes = {header[k]["dtype"] for k in weight_names}
    if dtypes != {"F32"}:
        raise FixtureError(f"model.safetensors holds dtypes {dtypes}, expected only F32")
    saved_values = sum(math.prod(header[k]["shape"]) for k in weight_names)
    param_values = sum(p.numel() for p in model.parameters())
    if saved_values != param_values:
        raise FixtureError(f"model.safetensors holds {saved_values} values, the model has {param_values}")

    reloaded = LlavaForConditionalGeneration.from_pretrained(out, local_files_only=True,
                                                             attn_implementation="eager")
    reloaded = reloaded.to(dtype=torch.float32)
    mine = dict(model.named_parameters())
    theirs = dict(reloaded.named_parameters())
    if set(mine) != set(theirs):
        raise FixtureError(f"reloaded model has other parameters: missing {sorted(set(mine) - set(theirs))[:5]}, "
                           f"extra {sorted(set(theirs) - set(mine))[:5]}")
    for k, p in mine.items():
        if not torch.equal(p.detach().cpu(), theirs[k].detach().cpu()):
            raise FixtureError(f"parameter {k} differs after save_pretrained/from_pretrained")
    del reloaded
    log(f"saved and reloaded checkpoint: {len(weight_names)} tensors, layout {weight_layout(weight_names)}")

    # --- float32 pass ---
    model = model.to(device)
    f32 = {}
    with torch.no_grad():
        for c in cases:
            logits32, _ = forward_logits(torch, model, c["input_ids"], c["_pixel_values"], device, torch.float32)
            answer32 = greedy_generate(torch, model, c["input_ids"], c["_pixel_values"], device, torch.float32)
            f32[c["name"]] = (logits32, answer32)

    # --- float64 pass (the reference) ---
    model = model.to(dtype=torch.float64)
    tensors = {}
    with torch.no_grad():
        for c in cases:
            name, ids, pv = c["name"], c["input_ids"], c["_pixel_values"]
            logits64, image_hidden = forward_logits(torch, model, ids, pv, device, torch.float64)
            answer_manual, margins = greedy_manual(torch, model, ids, pv, device, torch.float64)
            answer_gen = greedy_generate(torch, model, ids, pv, device, torch.float64)
            if answer_manual != answer_gen:
                raise FixtureError(f"case {name!r}: generate() gave {answer_gen} but step-by-step greedy gave "
                                   f"{answer_manual} (margins {margins}); pick another --seed")
            logits32, answer32 = f32[name]
            diff = float((logits32 - logits64).abs().max())
            n = len(ids)
            c.update({
                "num_tokens": n,
                "image_token_positions": [i for i, t in enumerate(ids) if t == IMAGE_TOKEN_ID],
                "pixel_values_key": f"pixel_values_{name}",
                "pixel_values_shape": list(pv.shape),
                "images_key": f"images_{name}",
                "first_logits": logits64[-1].tolist(),
                "first_logits_float32": logits32[-1].tolist(),
                "last4_positions": list(range(n - 4, n)),
                "last4_logits": logits64[-4:].tolist(),
                "answer_ids": answer_manual,
                "answer": tok.decode(answer_manual, skip_special_tokens=True),
                "margins": margins,
                "min_margin": min(margins),
                "answer_ids_float32": answer32,
                "float32_greedy_matches": answer32 == answer_manual,
                "float32_vs_float64_max_abs_diff": diff,
            })
            if answer32 != answer_manual:
                warn(f"case {name!r}: float32 greedy {answer32} differs from float64 {answer_manual}", warnings)
            if min(margins) < 10 * diff:
                warn(f"case {name!r}: min_margin {min(margins):.3g} is under 10x the float32 error {diff:.3g}",
                     warnings)
            tensors[f"pixel_values_{name}"] = pv.contiguous()
            tensors[f"images_{name}"] = torch.stack(images[name]).contiguous()
            if name == "a":
                v, p = vision_features(torch, model, config, pv[:1], device, torch.float64)
                if isinstance(image_hidden, torch.Tensor):
                    ih = image_hidden.detach().to("cpu", torch.float64).reshape(-1, 64)[:NUM_PATCHES]
                    if not torch.allclose(ih, p, rtol=0, atol=1e-9):
                        raise FixtureError("projected features computed here differ from the model's "
                                           "image_hidden_states")
                c["vision_features_layer_minus2"] = v.tolist()
                c["projected_features"] = p.tolist()
                c["vision_features_key"] = "vision_features_layer_minus2_a"
                c["projected_features_key"] = "projected_features_a"
                tensors["vision_features_layer_minus2_a"] = v.contiguous()
                tensors["projected_features_a"] = p.contiguous()
    st.save_file(tensors, os.path.join(out, "inputs.safetensors"), metadata={"format": "pt"})

    cross = cross_check_processor(torch, out, cases, images, warnings)
    for c in cases:
        del c["_pixel_values"]

    expected = {
        "format": "vscan-parity-fixture",
        "format_version": 1,
        "generator": "tools/parity/make_fixtures.py",
        "versions": {
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "tokenizers": getattr(tokenizers_mod, "__version__", "?"),
            "safetensors": getattr(safetensors_mod, "__version__", "?"),
            "python": platform.python_version(),
        },
        "device": str(device),
        "seed": args.seed,
        "attn_implementation": impls,
        "weight_layout": weight_layout(weight_names),
        "weight_names": weight_names,
        "image_token_id": IMAGE_TOKEN_ID,
        "image_seq_length": NUM_PATCHES,
        "lm_head_zero_rows": [IMAGE_TOKEN_ID],
        "generation": {"do_sample": False, "max_new_tokens": MAX_NEW_TOKENS, "bos_token_id": BOS_ID,
                       "eos_token_id": EOS_ID, "pad_token_id": PAD_ID},
        "preprocessing": {
            "formula": "float32(float64(x_uint8) * (1/255)), then (x - mean) / std in float32; no resize or crop",
            "image_mean": CLIP_MEAN,
            "image_std": CLIP_STD,
        },
        "reference_note": (
            "Reference values come from transformers with the float32 checkpoint upcast to float64 "
            "(model.double()). transformers still computes RMSNorm, attention softmax and RoPE angles in "
            "float32 inside that run, so the reference is exact HF semantics at about 1e-6 relative precision. "
            "Logits and greedy answers come from batch-1 forward passes of each case."),
        "inputs_file": "inputs.safetensors",
        "cases": cases,
        "cross_checks": cross,
        "warnings": warnings,
    }
    write_json(os.path.join(out, "expected.json"), expected)

    files, total = check_out_dir(out, warnings)
    log(f"wrote {len(files)} files, {total} bytes: {', '.join(files)}")
    for c in cases:
        log(f"case {c['name']}: {c['num_tokens']} tokens, answer {c['answer_ids']} ({c['answer']!r}), "
            f"min_margin {c['min_margin']:.4g}, float32 vs float64 max |diff| "
            f"{c['float32_vs_float64_max_abs_diff']:.3g}, float32 greedy matches: {c['float32_greedy_matches']}")
    log(f"cross-checks: {cross}")
    if warnings:
        log(f"{len(warnings)} warning(s); see expected.json 'warnings'")
    log("done")


# ===================================================================================================
# LLaVA-NeXT (--family llava_next)
# ===================================================================================================

NEXT_IMAGE_SIZE = 112                                   # CLIP tower input, processor crop and base size
NEXT_PATCHES_PER_SIDE = NEXT_IMAGE_SIZE // PATCH_SIZE   # 8
NEXT_TOKENS_PER_CROP = NEXT_PATCHES_PER_SIDE ** 2       # 64 ("default": +1 CLS -1 dropped CLS)
NEXT_PINPOINTS = [[112, 224], [224, 112], [224, 224], [112, 336], [336, 112]]  # (height, width)
NEXT_MAX_POSITIONS = 1024
NEXT_TEXT_HIDDEN = 64
NEXT_VISION_HIDDEN = 32
# Pixel values count as the PIL path's when they are this close to the script's own Pillow computation
# (float32 rounding only); a torchvision resize differs by whole 8-bit levels (~1e-2 after normalising).
PIL_EXACT_TOLERANCE = 1e-5

# (name, prompt, [(width, height) of each image]). 250x160 cuts grid rows on unpad, 160x250 cuts columns;
# 97x301 takes a 3x1 grid (4 crops, so case b's pixel_values are padded with a zero crop) with an odd
# 1/2-pixel padding whose unpad rounds to nothing.
NEXT_PROMPTS = [
    ("a", "USER: <image>\nwhat colour is the big circle ? ASSISTANT:", [(250, 160)]),
    ("b", "USER: <image>\n<image>\nwhich image has more red shapes ? ASSISTANT:", [(160, 250), (97, 301)]),
]
# (shapes, of which red) for each image, in the order above.
NEXT_IMAGE_SHAPES = {"a": [(3, 1)], "b": [(4, 1), (4, 3)]}

NEXT_OUTPUT_FILES = OUTPUT_FILES + ["processor_config.json"]


def import_pil_numpy():
    try:
        import numpy as np
    except ImportError as e:
        raise FixtureError(f"numpy is not importable ({e}); it comes with torch/transformers") from e
    try:
        from PIL import Image
    except ImportError as e:
        raise FixtureError(f"Pillow is not importable ({e}); LlavaNextImageProcessor needs it: pip install pillow") from e
    return np, Image


# ---------------------------------------------------------------------------------------------------
# Configs written next to the checkpoint
# ---------------------------------------------------------------------------------------------------

def next_preprocessor_config_json():
    return {
        "image_processor_type": "LlavaNextImageProcessor",
        "processor_class": "LlavaNextProcessor",
        "do_resize": True,
        "size": {"shortest_edge": NEXT_IMAGE_SIZE},
        "resample": 3,
        "do_center_crop": True,
        "crop_size": {"height": NEXT_IMAGE_SIZE, "width": NEXT_IMAGE_SIZE},
        "do_rescale": True,
        "rescale_factor": 1.0 / 255.0,
        "do_normalize": True,
        "image_mean": CLIP_MEAN,
        "image_std": CLIP_STD,
        "do_convert_rgb": True,
        "do_pad": True,
        "image_grid_pinpoints": NEXT_PINPOINTS,
    }


def next_processor_config_json():
    return {
        "processor_class": "LlavaNextProcessor",
        "image_token": IMAGE_TOKEN,
        "patch_size": PATCH_SIZE,
        "vision_feature_select_strategy": "default",
        "num_additional_image_tokens": 1,
    }


def build_next_config(transformers, ver):
    from transformers import CLIPVisionConfig, LlamaConfig, LlavaNextConfig

    vision = CLIPVisionConfig(
        hidden_size=NEXT_VISION_HIDDEN,
        intermediate_size=64,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_channels=3,
        image_size=NEXT_IMAGE_SIZE,
        patch_size=PATCH_SIZE,
        hidden_act="quick_gelu",
        layer_norm_eps=1e-5,
        attention_dropout=0.0,
        projection_dim=32,
        attn_implementation="eager",
    )
    text_kwargs = dict(
        vocab_size=VOCAB_SIZE,
        hidden_size=NEXT_TEXT_HIDDEN,
        intermediate_size=128,
        num_hidden_layers=3,
        num_attention_heads=4,
        num_key_value_heads=2,
        hidden_act="silu",
        max_position_embeddings=NEXT_MAX_POSITIONS,
        rms_norm_eps=1e-5,
        tie_word_embeddings=False,
        attention_bias=False,
        mlp_bias=False,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
        attn_implementation="eager",
    )
    if ver >= (5, 0):
        text_kwargs["rope_parameters"] = {"rope_type": "default", "rope_theta": ROPE_THETA}
    else:
        text_kwargs["rope_theta"] = ROPE_THETA
    text = LlamaConfig(**text_kwargs)

    config = LlavaNextConfig(
        vision_config=vision,
        text_config=text,
        image_token_index=IMAGE_TOKEN_ID,
        projector_hidden_act="gelu",
        vision_feature_select_strategy="default",
        vision_feature_layer=-2,
        image_grid_pinpoints=[list(p) for p in NEXT_PINPOINTS],
        image_seq_length=NEXT_TOKENS_PER_CROP,
        multimodal_projector_bias=True,
        tie_word_embeddings=False,
        pad_token_id=PAD_ID,
        attn_implementation="eager",
    )
    force_eager(config)
    check_next_config(config)
    return config


def image_token_id_of(config):
    for attr in ("image_token_id", "image_token_index"):
        value = getattr(config, attr, None)
        if isinstance(value, int):
            return value
    return None


def check_next_config(config):
    t, v = config.text_config, config.vision_config
    expect = {
        "text.vocab_size": (t.vocab_size, VOCAB_SIZE),
        "text.hidden_size": (t.hidden_size, NEXT_TEXT_HIDDEN),
        "text.num_hidden_layers": (t.num_hidden_layers, 3),
        "text.num_attention_heads": (t.num_attention_heads, 4),
        "text.num_key_value_heads": (t.num_key_value_heads, 2),
        "text.max_position_embeddings": (t.max_position_embeddings, NEXT_MAX_POSITIONS),
        "text.rope_theta": (rope_theta_of(t), ROPE_THETA),
        "vision.hidden_size": (v.hidden_size, NEXT_VISION_HIDDEN),
        "vision.num_hidden_layers": (v.num_hidden_layers, 3),
        "vision.image_size": (v.image_size, NEXT_IMAGE_SIZE),
        "vision.patch_size": (v.patch_size, PATCH_SIZE),
        "vision.hidden_act": (v.hidden_act, "quick_gelu"),
        "image_token_id": (image_token_id_of(config), IMAGE_TOKEN_ID),
        "vision_feature_layer": (config.vision_feature_layer, -2),
        "vision_feature_select_strategy": (config.vision_feature_select_strategy, "default"),
        "projector_hidden_act": (config.projector_hidden_act, "gelu"),
        "image_grid_pinpoints": ([list(p) for p in config.image_grid_pinpoints], NEXT_PINPOINTS),
        "tie_word_embeddings": (bool(getattr(config, "tie_word_embeddings", False)), False),
        "text.tie_word_embeddings": (bool(t.tie_word_embeddings), False),
    }
    bad = [f"{k}={got!r} (want {want!r})" for k, (got, want) in expect.items() if got != want]
    if bad:
        raise FixtureError("the built LlavaNextConfig differs from the intended one: " + ", ".join(bad))


def build_next_model(torch, transformers, ver, seed, warnings):
    from transformers import GenerationConfig, LlavaNextForConditionalGeneration

    torch.manual_seed(seed)
    config = build_next_config(transformers, ver)
    model = LlavaNextForConditionalGeneration(config)
    model = model.to(dtype=torch.float32)
    model.eval()

    impls = attn_implementations(model)
    if any(v != "eager" for v in impls.values()):
        setter = getattr(model, "set_attn_implementation", None)
        if callable(setter):
            setter("eager")
            impls = attn_implementations(model)
    if any(v != "eager" for v in impls.values()):
        warn(f"attention implementation is not eager everywhere: {impls} (math is the same, rounding differs)",
             warnings)

    names = [n for n, _ in model.named_parameters()]
    if not any(n.endswith("image_newline") for n in names):
        raise FixtureError("LlavaNextForConditionalGeneration has no image_newline parameter")
    n = reinitialise(torch, model, seed)
    with torch.no_grad():
        model.get_output_embeddings().weight[IMAGE_TOKEN_ID].zero_()

    emb = model.get_input_embeddings().weight
    head = model.get_output_embeddings().weight
    if emb.data_ptr() == head.data_ptr():
        raise FixtureError("lm_head.weight is tied to embed_tokens.weight although tie_word_embeddings=False")
    for name, p in model.named_parameters():
        if p.dtype != torch.float32:
            raise FixtureError(f"parameter {name} is {p.dtype}, expected float32")

    model.generation_config = GenerationConfig(bos_token_id=BOS_ID, eos_token_id=EOS_ID, pad_token_id=PAD_ID)
    log(f"built LlavaNextForConditionalGeneration: {n} parameter tensors, "
        f"{sum(p.numel() for p in model.parameters())} values, attention {impls}")
    return model, impls


def save_and_verify(torch, model, model_class, out, ver):
    """save_pretrained as F32 safetensors, then from_pretrained must give back every parameter bit for bit."""
    try:
        if ver >= (5, 0):
            model.save_pretrained(out)
        else:
            model.save_pretrained(out, safe_serialization=True)
    except TypeError:
        model.save_pretrained(out)
    if not os.path.exists(os.path.join(out, "generation_config.json")):
        model.generation_config.save_pretrained(out)
    path = os.path.join(out, "model.safetensors")
    if not os.path.exists(path):
        raise FixtureError(f"save_pretrained wrote no model.safetensors (files: {sorted(os.listdir(out))})")
    header = safetensors_header(path)
    weight_names = sorted(k for k in header if k != "__metadata__")
    dtypes = {header[k]["dtype"] for k in weight_names}
    if dtypes != {"F32"}:
        raise FixtureError(f"model.safetensors holds dtypes {dtypes}, expected only F32")
    saved_values = sum(math.prod(header[k]["shape"]) for k in weight_names)
    param_values = sum(p.numel() for p in model.parameters())
    if saved_values != param_values:
        raise FixtureError(f"model.safetensors holds {saved_values} values, the model has {param_values}")
    reloaded = model_class.from_pretrained(out, local_files_only=True, attn_implementation="eager")
    reloaded = reloaded.to(dtype=torch.float32)
    mine = dict(model.named_parameters())
    theirs = dict(reloaded.named_parameters())
    if set(mine) != set(theirs):
        raise FixtureError(f"reloaded model has other parameters: missing {sorted(set(mine) - set(theirs))[:5]}, "
                           f"extra {sorted(set(theirs) - set(mine))[:5]}")
    for k, p in mine.items():
        if not torch.equal(p.detach().cpu(), theirs[k].detach().cpu()):
            raise FixtureError(f"parameter {k} differs after save_pretrained/from_pretrained")
    del reloaded
    return weight_names


# ---------------------------------------------------------------------------------------------------
# Images, AnyRes geometry and the script's own Pillow preprocessing (a cross-check of the processor)
# ---------------------------------------------------------------------------------------------------

def make_next_image(torch, gen, width, height, n_shapes, red_bias):
    """A width x height RGB uint8 image [H, W, 3]: tinted gradient, pixel noise, circles and squares."""
    h, w = height, width
    yy, xx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    base = torch.randint(40, 216, (3,), generator=gen).double()
    slope = (torch.rand(3, 2, generator=gen, dtype=torch.float64) - 0.5) * (160.0 / max(h, w))
    img = base.view(3, 1, 1) + slope[:, 0].view(3, 1, 1) * (xx - w / 2) + slope[:, 1].view(3, 1, 1) * (yy - h / 2)
    img = img + torch.randint(-12, 13, (3, h, w), generator=gen).double()
    short = min(h, w)
    for k in range(n_shapes):
        colour = torch.randint(0, 256, (3,), generator=gen).double()
        if k < red_bias:
            colour = torch.tensor([200.0 + float(torch.randint(0, 56, (1,), generator=gen)), 20.0, 30.0],
                                  dtype=torch.float64)
        r = int(torch.randint(max(3, short // 14), max(4, short // 4) + 1, (1,), generator=gen))
        cx = int(torch.randint(0, w, (1,), generator=gen))
        cy = int(torch.randint(0, h, (1,), generator=gen))
        if int(torch.randint(0, 2, (1,), generator=gen)) == 0:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        else:
            mask = ((xx - cx).abs() <= r) & ((yy - cy).abs() <= r)
        img[:, mask] = colour.view(3, 1)
    img = img.round().clamp(0, 255).to(torch.uint8)
    return img.permute(1, 2, 0).contiguous()


def own_best_resolution(height, width):
    """select_best_resolution over (height, width) pinpoints: most effective pixels, then least waste."""
    best, best_effective, best_wasted = None, 0, float("inf")
    for ph, pw in NEXT_PINPOINTS:
        scale = min(pw / width, ph / height)
        effective = min(int(width * scale) * int(height * scale), width * height)
        wasted = pw * ph - effective
        if effective > best_effective or (effective == best_effective and wasted < best_wasted):
            best, best_effective, best_wasted = (ph, pw), effective, wasted
    return best


def own_layout(height, width):
    """The AnyRes geometry as LlavaNextImageProcessor and pack_image_features compute it."""
    bh, bw = own_best_resolution(height, width)
    scale_w, scale_h = bw / width, bh / height
    if scale_w < scale_h:
        new_w, new_h = bw, min(math.ceil(height * scale_w), bh)
    else:
        new_h, new_w = bh, min(math.ceil(width * scale_h), bw)
    top, left = (bh - new_h) // 2, (bw - new_w) // 2
    rows, cols = bh // NEXT_IMAGE_SIZE * NEXT_PATCHES_PER_SIDE, bw // NEXT_IMAGE_SIZE * NEXT_PATCHES_PER_SIDE
    if width / height > cols / rows:
        kept = int(round(height * (cols / width), 7))
        pad = (rows - kept) // 2
        grid = [pad, rows - 2 * pad, 0, cols]
    else:
        kept = int(round(width * (rows / height), 7))
        pad = (cols - kept) // 2
        grid = [0, rows, pad, cols - 2 * pad]
    return {
        "best_resolution": [bh, bw],
        "grid": [bh // NEXT_IMAGE_SIZE, bw // NEXT_IMAGE_SIZE],
        "resized_size": [new_h, new_w],
        "padding_top_bottom_left_right": [top, bh - new_h - top, left, bw - new_w - left],
        "num_crops": 1 + (bh // NEXT_IMAGE_SIZE) * (bw // NEXT_IMAGE_SIZE),
        "unpadded_grid": grid,  # first row, rows, first column, columns of the tiles' feature grid
        "num_image_tokens": NEXT_TOKENS_PER_CROP + grid[1] * grid[3] + grid[1],
    }


def own_pil_pixel_values(torch, np, Image, pil_images):
    """The slow processor's arithmetic with Pillow itself: aspect-keeping bicubic resize of the uint8 image
    into the best resolution, black padding, 112x112 tiles row-major after the base crop (the whole image
    resized to 112x112), float32(float64(x) / 255), then (x - mean) / std in float32; the batch is padded
    with all-zero crops to the largest crop count. Returns [images, crops, 3, 112, 112] float32."""
    per_image = []
    for im in pil_images:
        w, h = im.size
        lay = own_layout(h, w)
        bh, bw = lay["best_resolution"]
        nh, nw = lay["resized_size"]
        top, _, left, _ = lay["padding_top_bottom_left_right"]
        resized = im.resize((nw, nh), resample=Image.BICUBIC)
        canvas = Image.new("RGB", (bw, bh), (0, 0, 0))
        canvas.paste(resized, (left, top))
        crops = [im.resize((NEXT_IMAGE_SIZE, NEXT_IMAGE_SIZE), resample=Image.BICUBIC)]
        for r in range(bh // NEXT_IMAGE_SIZE):
            for c in range(bw // NEXT_IMAGE_SIZE):
                s = NEXT_IMAGE_SIZE
                crops.append(canvas.crop((c * s, r * s, (c + 1) * s, (r + 1) * s)))
        arr = np.stack([np.asarray(c, dtype=np.uint8) for c in crops])  # [crops, H, W, 3]
        x = (arr.astype(np.float64) * (1.0 / 255.0)).astype(np.float32)
        x = (x - np.asarray(CLIP_MEAN, dtype=np.float32)) / np.asarray(CLIP_STD, dtype=np.float32)
        per_image.append(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    most = max(p.shape[0] for p in per_image)
    out = np.zeros((len(per_image), most, 3, NEXT_IMAGE_SIZE, NEXT_IMAGE_SIZE), dtype=np.float32)
    for i, p in enumerate(per_image):
        out[i, : p.shape[0]] = p
    return torch.from_numpy(out)


def as_float_tensor(torch, np, value, what):
    """pixel_values as a float32 tensor, whatever container the processor returned."""
    if isinstance(value, torch.Tensor):
        t = value
    elif isinstance(value, np.ndarray):
        t = torch.from_numpy(value)
    elif isinstance(value, (list, tuple)) and value:
        parts = [as_float_tensor(torch, np, v, what) for v in value]
        if len({tuple(p.shape) for p in parts}) != 1:
            raise FixtureError(f"{what}: the processor returned crops of different shapes "
                               f"{[tuple(p.shape) for p in parts]}")
        t = torch.stack(parts)
    else:
        raise FixtureError(f"{what}: unexpected pixel_values of type {type(value).__name__}")
    return t.detach().to("cpu", torch.float32).contiguous()


def as_sizes(torch, value):
    if isinstance(value, torch.Tensor):
        return [[int(a), int(b)] for a, b in value.tolist()]
    return [[int(a), int(b)] for a, b in [tuple(v) for v in value]]


# ---------------------------------------------------------------------------------------------------
# transformers' processors (4.x: LlavaNextImageProcessor is the PIL one; later 5.x: LlavaNextImageProcessorPil,
# while LlavaNextImageProcessor is the torchvision backend)
# ---------------------------------------------------------------------------------------------------

def image_processor_candidates(transformers, out):
    kwargs = {k: v for k, v in next_preprocessor_config_json().items()
              if k not in ("image_processor_type", "processor_class")}
    candidates = []

    def add_class(name):
        try:
            cls = getattr(transformers, name, None)
        except Exception:  # a lazy import that needs a missing backend
            cls = None
        if cls is not None:
            candidates.append((f"{name}(**preprocessor_config)", lambda cls=cls: cls(**kwargs)))

    add_class("LlavaNextImageProcessorPil")
    add_class("LlavaNextImageProcessor")
    try:
        plain = getattr(transformers, "LlavaNextImageProcessor", None)
    except Exception:
        plain = None
    if plain is not None:  # 5.x layouts that pick the backend by argument
        for backend in ("pil", "python"):
            candidates.append((f"LlavaNextImageProcessor(**preprocessor_config, backend={backend!r})",
                               lambda backend=backend: plain(**kwargs, backend=backend)))
    try:
        from transformers import AutoImageProcessor
    except ImportError:
        AutoImageProcessor = None
    if AutoImageProcessor is not None:
        candidates.append(("AutoImageProcessor.from_pretrained(backend='pil')",
                           lambda: AutoImageProcessor.from_pretrained(out, local_files_only=True, backend="pil")))
        candidates.append(("AutoImageProcessor.from_pretrained(use_fast=False)",
                           lambda: AutoImageProcessor.from_pretrained(out, local_files_only=True, use_fast=False)))
    return candidates


def run_image_processor(torch, np, ip, pil_images, what):
    enc = ip(images=pil_images, return_tensors="pt")
    if "pixel_values" not in enc or "image_sizes" not in enc:
        raise FixtureError(f"{what}: the image processor returned {sorted(enc.keys())}, "
                           "expected pixel_values and image_sizes")
    return as_float_tensor(torch, np, enc["pixel_values"], what), as_sizes(torch, enc["image_sizes"])


def choose_image_processor(torch, np, Image, transformers, out, images_by_case, warnings):
    """The first candidate whose pixel values equal the script's own Pillow computation for every case;
    failing that, the first one that runs at all (with a warning: the Java engine follows the PIL path)."""
    report, first_working = [], None
    own = {name: own_pil_pixel_values(torch, np, Image, pils) for name, pils in images_by_case.items()}
    for label, factory in image_processor_candidates(transformers, out):
        entry = {"candidate": label}
        try:
            ip = factory()
            entry["class"] = type(ip).__name__
            entry["module"] = type(ip).__module__
            backend = getattr(ip, "backend", None)  # 5.x: "pil" or "torchvision"; 4.x has none
            entry["backend"] = backend if isinstance(backend, str) else None
            worst = 0.0
            for name, pils in images_by_case.items():
                pv, sizes = run_image_processor(torch, np, ip, pils, f"{label}, case {name}")
                if tuple(pv.shape) != tuple(own[name].shape):
                    raise FixtureError(f"pixel_values shape {tuple(pv.shape)}, the PIL path gives "
                                       f"{tuple(own[name].shape)}")
                want_sizes = [[im.size[1], im.size[0]] for im in pils]
                if sizes != want_sizes:
                    raise FixtureError(f"image_sizes {sizes}, expected (height, width) {want_sizes}")
                worst = max(worst, float((pv - own[name]).abs().max()))
            entry["max_abs_diff_vs_own_pil"] = worst
        except Exception as e:  # try the next candidate
            entry["error"] = f"{type(e).__name__}: {e}"
            report.append(entry)
            continue
        report.append(entry)
        if first_working is None:
            first_working = (ip, entry)
        if entry["max_abs_diff_vs_own_pil"] <= PIL_EXACT_TOLERANCE:
            return ip, entry, report
    if first_working is None:
        raise FixtureError("no LLaVA-NeXT image processor could be built and run: "
                           + "; ".join(f"{r['candidate']}: {r.get('error')}" for r in report))
    ip, entry = first_working
    warn(f"no image processor reproduces the Pillow path (best: {entry['candidate']}, max |diff| "
         f"{entry['max_abs_diff_vs_own_pil']:.3g}); its pixel values are recorded anyway, and the Java "
         "pixel-value check will show the difference", warnings)
    return ip, entry, report


def load_hf_tokenizer(out, warnings):
    try:
        from transformers import AutoTokenizer
        return AutoTokenizer.from_pretrained(out, local_files_only=True)
    except Exception as e:
        warn(f"AutoTokenizer.from_pretrained failed ({type(e).__name__}: {e}); using PreTrainedTokenizerFast",
             warnings)
    try:
        from transformers import PreTrainedTokenizerFast
        return PreTrainedTokenizerFast(tokenizer_file=os.path.join(out, "tokenizer.json"), bos_token="<s>",
                                       eos_token="</s>", unk_token="<unk>", pad_token="<unk>")
    except Exception as e:
        raise FixtureError(f"cannot build a transformers tokenizer from {out}/tokenizer.json: "
                           f"{type(e).__name__}: {e}") from e


def build_next_processor(transformers, image_processor, hf_tokenizer, warnings):
    try:
        from transformers import LlavaNextProcessor
    except ImportError as e:
        warn(f"transformers has no LlavaNextProcessor ({e}); <image> is expanded by this script", warnings)
        return None
    try:
        return LlavaNextProcessor(image_processor=image_processor, tokenizer=hf_tokenizer, patch_size=PATCH_SIZE,
                                  vision_feature_select_strategy="default", num_additional_image_tokens=1,
                                  image_token=IMAGE_TOKEN)
    except Exception as e:
        warn(f"LlavaNextProcessor(...) failed ({type(e).__name__}: {e}); <image> is expanded by this script",
             warnings)
        return None


def processor_encode(torch, np, processor, pil_images, prompt, what):
    enc = processor(images=pil_images, text=prompt, return_tensors="pt")
    ids = enc["input_ids"]
    ids = ids[0].tolist() if isinstance(ids, torch.Tensor) else list(ids[0])
    pv = as_float_tensor(torch, np, enc["pixel_values"], what)
    return [int(i) for i in ids], pv, as_sizes(torch, enc["image_sizes"])


# ---------------------------------------------------------------------------------------------------
# Running LLaVA-NeXT
# ---------------------------------------------------------------------------------------------------

def next_inputs(torch, ids, pv, sizes, device, dtype):
    input_ids = torch.tensor([ids], dtype=torch.long, device=device)
    return {
        "input_ids": input_ids,
        "attention_mask": torch.ones_like(input_ids),
        "pixel_values": pv.to(device=device, dtype=dtype),
        "image_sizes": torch.tensor(sizes, dtype=torch.long, device=device),
    }


def next_forward(torch, model, ids, pv, sizes, device, dtype):
    out = model(**next_inputs(torch, ids, pv, sizes, device, dtype))
    logits = out.logits
    if logits is None or tuple(logits.shape) != (1, len(ids), VOCAB_SIZE):
        raise FixtureError(f"unexpected logits shape {None if logits is None else tuple(logits.shape)}")
    if not torch.isfinite(logits).all():
        raise FixtureError("the model produced non-finite logits")
    return logits[0].detach().to("cpu", torch.float64), out


def next_greedy_manual(torch, model, ids, pv, sizes, device, dtype):
    seq = list(ids)
    new, margins = [], []
    for _ in range(MAX_NEW_TOKENS):
        logits, _ = next_forward(torch, model, seq, pv, sizes, device, dtype)
        last = logits[-1]
        top = torch.topk(last, 2)
        nxt = int(torch.argmax(last))
        if nxt == IMAGE_TOKEN_ID:
            raise FixtureError("greedy decoding produced <image>, which cannot be re-fed; pick another --seed")
        margins.append(float(top.values[0] - top.values[1]))
        new.append(nxt)
        seq.append(nxt)
        if nxt == EOS_ID:
            break
    return new, margins


def next_greedy_generate(torch, model, ids, pv, sizes, device, dtype):
    out = model.generate(**next_inputs(torch, ids, pv, sizes, device, dtype), do_sample=False,
                         max_new_tokens=MAX_NEW_TOKENS, eos_token_id=EOS_ID, pad_token_id=PAD_ID)
    seqs = out.sequences if hasattr(out, "sequences") else out
    full = seqs[0].tolist()
    if full[: len(ids)] != list(ids):
        raise FixtureError("generate() returned a sequence that does not start with the prompt")
    return full[len(ids):]


def forward_capturing_llm_inputs(torch, model, ids, pv, sizes, device, dtype):
    """One forward pass that also records the inputs_embeds the language model received: the rows at the
    <image> positions are the packed image features exactly as transformers merged them."""
    lm = submodule(model, "language_model")
    captured = {}

    def hook(module, args, kwargs):
        emb = kwargs.get("inputs_embeds")
        if isinstance(emb, torch.Tensor):
            captured["inputs_embeds"] = emb.detach().clone()

    handle = lm.register_forward_pre_hook(hook, with_kwargs=True)
    try:
        logits, out = next_forward(torch, model, ids, pv, sizes, device, dtype)
    finally:
        handle.remove()
    emb = captured.get("inputs_embeds")
    packed = None
    if emb is not None and emb.dim() == 3 and emb.shape[1] == len(ids):
        mask = torch.tensor(ids, device=emb.device) == IMAGE_TOKEN_ID
        packed = emb[0][mask].to("cpu", torch.float64)
    return logits, out, packed


def call_with_fallbacks(fn, attempts):
    """Calls fn with each kwargs dict in turn until one is accepted (TypeError: other signature)."""
    errors = []
    for kwargs in attempts:
        try:
            return fn(**kwargs)
        except TypeError as e:
            errors.append(f"{sorted(kwargs)}: {e}")
    raise FixtureError("no accepted signature: " + " | ".join(errors))


def api_packed_features(torch, model, pv, sizes, device, dtype):
    """Packed image features through transformers' own API, whichever shape this version has:
    4.5x get_image_features returns the packed list; 5.x returns a ModelOutput whose pooler_output holds it;
    a version returning per-crop features [crops, 64, hidden] gets them packed by pack_image_features.
    Returns (features [tokens, hidden] float64 on the CPU, a description of the path taken)."""
    inner = getattr(model, "model", None)
    owners = [m for m in (inner, model) if m is not None]
    getter = next((getattr(m, "get_image_features") for m in owners if callable(getattr(m, "get_image_features", None))),
                  None)
    if getter is None:
        raise FixtureError(f"{type(model).__name__} has no get_image_features")
    pixel_values = pv.to(device=device, dtype=dtype)
    image_sizes = torch.tensor(sizes, dtype=torch.long, device=device)
    result = call_with_fallbacks(getter, [
        dict(pixel_values=pixel_values, image_sizes=image_sizes, vision_feature_layer=-2,
             vision_feature_select_strategy="default"),
        dict(pixel_values=pixel_values, image_sizes=image_sizes),
    ])
    path = ["get_image_features"]
    if hasattr(result, "pooler_output") and not isinstance(result, (list, tuple, torch.Tensor)):
        features = result.pooler_output
        path.append("pooler_output")
        if features is None:
            raise FixtureError("get_image_features returned a ModelOutput with pooler_output None")
    elif (isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], torch.Tensor)
          and result[1].dim() == 1 and not isinstance(result[0], torch.Tensor)):
        features = result[0]
        path.append("(features, feature_lens)[0]")
    else:
        features = result
    if isinstance(features, torch.Tensor):
        features = [features] if features.dim() == 2 else list(features)
    features = list(features)
    if not features or not all(isinstance(f, torch.Tensor) for f in features):
        raise FixtureError(f"get_image_features gave {type(result).__name__} holding no tensors")
    dims = {f.dim() for f in features}
    if dims == {3}:
        packer = next((getattr(m, "pack_image_features") for m in owners
                       if callable(getattr(m, "pack_image_features", None))), None)
        if packer is None:
            raise FixtureError("get_image_features gave per-crop features and there is no pack_image_features")
        newline = next((getattr(m, "image_newline") for m in owners
                        if isinstance(getattr(m, "image_newline", None), torch.Tensor)), None)
        packed = call_with_fallbacks(packer, [
            dict(image_features=features, image_sizes=image_sizes, vision_feature_select_strategy="default",
                 image_newline=newline),
            dict(image_features=features, image_sizes=image_sizes, image_newline=newline),
        ])
        if isinstance(packed, tuple):
            packed = packed[0]
        features = [packed] if isinstance(packed, torch.Tensor) else list(packed)
        path.append("pack_image_features")
    elif dims != {2}:
        raise FixtureError(f"get_image_features gave tensors of {sorted(dims)} dimensions")
    else:
        path.append("packed")
    flat = torch.cat([f.reshape(-1, f.shape[-1]) for f in features], dim=0)
    return flat.detach().to("cpu", torch.float64), " -> ".join(path)


def next_crop_features(torch, model, config, crops, device, dtype):
    """Layer -2 hidden states without CLS for each crop [crops, 64, vision hidden], and their projection."""
    tower = submodule(model, "vision_tower")
    projector = submodule(model, "multi_modal_projector")
    out = tower(crops.to(device=device, dtype=dtype), output_hidden_states=True)
    hidden = getattr(out, "hidden_states", None)
    n_layers = config.vision_config.num_hidden_layers
    if hidden is None or len(hidden) != n_layers + 1:
        raise FixtureError(f"vision tower returned {None if hidden is None else len(hidden)} hidden states, "
                           f"expected {n_layers + 1}")
    selected = hidden[config.vision_feature_layer][:, 1:]
    projected = projector(selected)
    v = selected.detach().to("cpu", torch.float64)
    p = projected.detach().to("cpu", torch.float64)
    if tuple(v.shape) != (crops.shape[0], NEXT_TOKENS_PER_CROP, NEXT_VISION_HIDDEN):
        raise FixtureError(f"unexpected crop feature shape {tuple(v.shape)}")
    return v, p


# ---------------------------------------------------------------------------------------------------
# Main for --family llava_next
# ---------------------------------------------------------------------------------------------------

def run_next(args):
    torch, transformers, tokenizers_mod, safetensors_mod, ver = import_stack()
    np, Image = import_pil_numpy()
    import safetensors.torch as st
    try:
        from transformers import LlavaNextForConditionalGeneration
    except ImportError as e:
        raise FixtureError(f"transformers {transformers.__version__} has no LlavaNextForConditionalGeneration "
                           f"({e})") from e

    warnings = []
    if args.device == "cuda" and not torch.cuda.is_available():
        raise FixtureError("--device cuda given but torch.cuda.is_available() is False")
    device = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")

    out = os.path.abspath(args.out)
    prepare_out_dir(out, NEXT_OUTPUT_FILES)
    log(f"family llava_next: transformers {transformers.__version__}, torch {torch.__version__}, "
        f"device {device}, out {out}")

    # --- tokenizer, processor configs, images ---
    tok = build_tokenizer(tokenizers_mod)
    tok.save(os.path.join(out, "tokenizer.json"))
    write_json(os.path.join(out, "tokenizer_config.json"), tokenizer_config_json())
    write_json(os.path.join(out, "preprocessor_config.json"), next_preprocessor_config_json())
    write_json(os.path.join(out, "processor_config.json"), next_processor_config_json())

    gen = torch.Generator(device="cpu").manual_seed(args.seed)
    images = {}
    for name, _, sizes in NEXT_PROMPTS:
        images[name] = [make_next_image(torch, gen, w, h, n, red)
                        for (w, h), (n, red) in zip(sizes, NEXT_IMAGE_SHAPES[name])]
    pils = {name: [Image.fromarray(im.numpy()) for im in ims] for name, ims in images.items()}
    for name, _, sizes in NEXT_PROMPTS:
        got = [list(p.size) for p in pils[name]]
        if got != [list(s) for s in sizes]:
            raise FixtureError(f"case {name!r}: images are {got} (width, height), expected {sizes}")

    # --- transformers' preprocessing ---
    image_processor, ip_entry, ip_report = choose_image_processor(torch, np, Image, transformers, out, pils,
                                                                  warnings)
    log(f"image processor: {ip_entry['candidate']} -> {ip_entry.get('class')} (backend "
        f"{ip_entry.get('backend')}), max |diff| to the Pillow path {ip_entry['max_abs_diff_vs_own_pil']:.3g}")
    hf_tok = load_hf_tokenizer(out, warnings)
    processor = build_next_processor(transformers, image_processor, hf_tok, warnings)

    try:
        from transformers.image_processing_utils import select_best_resolution as hf_best_resolution
    except ImportError:
        hf_best_resolution = None
    try:
        from transformers.models.llava_next.modeling_llava_next import image_size_to_num_patches
    except ImportError:
        image_size_to_num_patches = None

    cases = []
    for name, prompt, sizes in NEXT_PROMPTS:
        n_images = len(sizes)
        raw_ids = tok.encode(prompt).ids
        if raw_ids.count(IMAGE_TOKEN_ID) != n_images or raw_ids[0] != BOS_ID:
            raise FixtureError(f"prompt {name!r} tokenized to {raw_ids}: expected <s> first and {n_images} <image>")
        if 0 in raw_ids:
            raise FixtureError(f"prompt {name!r} has unknown words: {tok.encode(prompt).tokens}")
        layouts = [own_layout(h, w) for (w, h) in sizes]
        for (w, h), lay in zip(sizes, layouts):
            if hf_best_resolution is not None:
                hf_best = [int(v) for v in hf_best_resolution((h, w), NEXT_PINPOINTS)]
                if hf_best != lay["best_resolution"]:
                    raise FixtureError(f"case {name!r}: select_best_resolution gives {hf_best} for {w}x{h}, "
                                       f"this script {lay['best_resolution']}")
            if image_size_to_num_patches is not None:
                n = int(image_size_to_num_patches(image_size=(h, w), grid_pinpoints=NEXT_PINPOINTS,
                                                  patch_size=NEXT_IMAGE_SIZE))
                if n != lay["num_crops"]:
                    raise FixtureError(f"case {name!r}: image_size_to_num_patches gives {n} crops for {w}x{h}, "
                                       f"this script {lay['num_crops']}")
        own_counts = [lay["num_image_tokens"] for lay in layouts]

        if processor is not None:
            ids, pv, image_sizes = processor_encode(torch, np, processor, pils[name], prompt, f"case {name}")
            counts = []
            for i, pil in enumerate(pils[name]):
                one, _, _ = processor_encode(torch, np, processor, [pil], IMAGE_TOKEN, f"case {name} image {i}")
                counts.append(one.count(IMAGE_TOKEN_ID))
            if sum(counts) != ids.count(IMAGE_TOKEN_ID):
                raise FixtureError(f"case {name!r}: per-image token counts {counts} do not add up to the "
                                   f"{ids.count(IMAGE_TOKEN_ID)} image tokens of the whole prompt")
            count_source = "LlavaNextProcessor"
            alone, _ = run_image_processor(torch, np, image_processor, pils[name], f"case {name}")
            gap = float((alone - pv).abs().max()) if alone.shape == pv.shape else float("inf")
            if gap != 0.0:
                warn(f"case {name!r}: LlavaNextProcessor's pixel_values differ from its image processor's alone "
                     f"(max |diff| {gap:.3g}, shapes {tuple(pv.shape)} / {tuple(alone.shape)}); the processor's "
                     "are recorded", warnings)
        else:
            pv, image_sizes = run_image_processor(torch, np, image_processor, pils[name], f"case {name}")
            counts = own_counts
            ids = None
            count_source = "this script (no LlavaNextProcessor)"
        if counts != own_counts:
            warn(f"case {name!r}: the processor expands <image> to {counts} tokens, unpad arithmetic gives "
                 f"{own_counts}", warnings)
        own_text = prompt
        for count in counts:
            own_text = own_text.replace(IMAGE_TOKEN, "\x00" * count, 1)
        own_ids = tok.encode(own_text.replace("\x00", IMAGE_TOKEN)).ids
        if ids is None:
            ids = own_ids
        elif ids != own_ids:
            warn(f"case {name!r}: LlavaNextProcessor's ids differ from tokenizer.json's on the expanded prompt "
                 "(the processor's are recorded)", warnings)
        want_sizes = [[h, w] for (w, h) in sizes]
        if image_sizes != want_sizes:
            raise FixtureError(f"case {name!r}: image_sizes {image_sizes}, expected {want_sizes}")
        if tuple(pv.shape) != (n_images, max(l["num_crops"] for l in layouts), 3, NEXT_IMAGE_SIZE, NEXT_IMAGE_SIZE):
            raise FixtureError(f"case {name!r}: pixel_values have shape {tuple(pv.shape)}")
        for i, lay in enumerate(layouts):
            padding = pv[i, lay["num_crops"]:]
            if padding.numel() and float(padding.abs().max()) != 0.0:
                raise FixtureError(f"case {name!r}: the padding crops of image {i} are not zero")
        cases.append({
            "name": name, "prompt": prompt, "num_images": n_images,
            "images": [{"key": f"images_{name}_{i}", "width": w, "height": h} for i, (w, h) in enumerate(sizes)],
            "image_sizes": image_sizes, "image_sizes_key": f"image_sizes_{name}",
            "num_crops": [lay["num_crops"] for lay in layouts],
            "num_image_tokens": counts, "num_image_tokens_source": count_source,
            "layouts": layouts,
            "pixel_values_key": f"pixel_values_{name}", "pixel_values_shape": list(pv.shape),
            "input_ids_unexpanded": raw_ids, "input_ids": ids,
            "_pixel_values": pv,
        })
        log(f"case {name}: images {sizes} (w x h) -> crops {[l['num_crops'] for l in layouts]}, "
            f"image tokens {counts}, {len(ids)} ids")

    # --- model: build, save, reload check ---
    model, impls = build_next_model(torch, transformers, ver, args.seed, warnings)
    config = model.config
    weight_names = save_and_verify(torch, model, LlavaNextForConditionalGeneration, out, ver)
    if not any(n.endswith("image_newline") for n in weight_names):
        raise FixtureError("model.safetensors has no image_newline tensor")
    log(f"saved and reloaded checkpoint: {len(weight_names)} tensors, layout {weight_layout(weight_names)}")

    # --- float32 pass ---
    model = model.to(device)
    f32 = {}
    with torch.no_grad():
        for c in cases:
            args32 = (c["input_ids"], c["_pixel_values"], c["image_sizes"], device, torch.float32)
            logits32, _ = next_forward(torch, model, *args32)
            f32[c["name"]] = (logits32, next_greedy_generate(torch, model, *args32))

    # --- float64 pass (the reference) ---
    model = model.to(dtype=torch.float64)
    tensors = {}
    packed_source = None
    cross = {}
    with torch.no_grad():
        for c in cases:
            name, ids, pv, sizes = c["name"], c["input_ids"], c["_pixel_values"], c["image_sizes"]
            args64 = (ids, pv, sizes, device, torch.float64)
            logits64, fwd, hook_packed = forward_capturing_llm_inputs(torch, model, *args64)
            answer_manual, margins = next_greedy_manual(torch, model, *args64)
            answer_gen = next_greedy_generate(torch, model, *args64)
            if answer_manual != answer_gen:
                raise FixtureError(f"case {name!r}: generate() gave {answer_gen} but step-by-step greedy gave "
                                   f"{answer_manual} (margins {margins}); pick another --seed")
            logits32, answer32 = f32[name]
            diff = float((logits32 - logits64).abs().max())
            n = len(ids)
            c.update({
                "num_tokens": n,
                "first_logits": logits64[-1].tolist(),
                "first_logits_float32": logits32[-1].tolist(),
                "last4_positions": list(range(n - 4, n)),
                "last4_logits": logits64[-4:].tolist(),
                "answer_ids": answer_manual,
                "answer": tok.decode(answer_manual, skip_special_tokens=True),
                "margins": margins,
                "min_margin": min(margins),
                "answer_ids_float32": answer32,
                "float32_greedy_matches": answer32 == answer_manual,
                "float32_vs_float64_max_abs_diff": diff,
            })
            if answer32 != answer_manual:
                warn(f"case {name!r}: float32 greedy {answer32} differs from float64 {answer_manual}", warnings)
            if min(margins) < 10 * diff:
                warn(f"case {name!r}: min_margin {min(margins):.3g} is under 10x the float32 error {diff:.3g}",
                     warnings)
            if hook_packed is not None and hook_packed.shape[0] != sum(c["num_image_tokens"]):
                raise FixtureError(f"case {name!r}: the language model got {hook_packed.shape[0]} image rows, "
                                   f"the processor expanded {sum(c['num_image_tokens'])}")
            tensors[c["pixel_values_key"]] = pv.contiguous()
            tensors[c["image_sizes_key"]] = torch.tensor(sizes, dtype=torch.int64)
            for i, im in enumerate(images[name]):
                tensors[f"images_{name}_{i}"] = im.contiguous()
            if name != "a":
                continue
            try:
                api_packed, packed_source = api_packed_features(torch, model, pv, sizes, device, torch.float64)
            except Exception as e:
                api_packed = None
                cross["api_packed_features_error"] = f"{type(e).__name__}: {e}"
                warn(f"transformers' get_image_features/pack_image_features path failed ({type(e).__name__}: "
                     f"{e}); the packed features are the language model's inputs at the <image> positions",
                     warnings)
            if api_packed is None and hook_packed is None:
                raise FixtureError("cannot obtain the packed image features: get_image_features failed "
                                   f"({cross.get('api_packed_features_error')}) and the language model's "
                                   "inputs_embeds could not be captured")
            if api_packed is not None and hook_packed is not None:
                if api_packed.shape != hook_packed.shape:
                    raise FixtureError(f"packed features from {packed_source} have shape {tuple(api_packed.shape)}, "
                                       f"the language model received {tuple(hook_packed.shape)}")
                gap = float((api_packed - hook_packed).abs().max())
                cross["api_vs_merged_packed_features_max_abs_diff"] = gap
                if gap > 1e-10:
                    raise FixtureError(f"packed features from {packed_source} differ from what the language model "
                                       f"received by {gap:.3g}")
            packed = api_packed if api_packed is not None else hook_packed
            if packed_source is None:
                packed_source = "language model inputs_embeds at the <image> positions (forward pre-hook)"
            ihs = getattr(fwd, "image_hidden_states", None)
            if isinstance(ihs, torch.Tensor) and ihs.numel() == packed.numel():
                cross["image_hidden_states_max_abs_diff"] = float(
                    (ihs.detach().to("cpu", torch.float64).reshape(packed.shape) - packed).abs().max())
            if packed.shape != (c["num_image_tokens"][0], NEXT_TEXT_HIDDEN):
                raise FixtureError(f"packed features have shape {tuple(packed.shape)}, expected "
                                   f"({c['num_image_tokens'][0]}, {NEXT_TEXT_HIDDEN})")
            crops = pv[0, : c["num_crops"][0]]
            v, p = next_crop_features(torch, model, config, crops, device, torch.float64)
            if not torch.allclose(p[0], packed[:NEXT_TOKENS_PER_CROP], rtol=0, atol=1e-9):
                raise FixtureError("the first 64 packed features are not the base crop's projected features")
            c.update({
                "packed_features_key": "packed_features_a", "packed_features_shape": list(packed.shape),
                "crop_features_key": "crop_features_layer_minus2_a", "crop_features_shape": list(v.shape),
            })
            tensors["packed_features_a"] = packed.contiguous()
            tensors["crop_features_layer_minus2_a"] = v.contiguous()
    st.save_file(tensors, os.path.join(out, "inputs.safetensors"), metadata={"format": "pt"})

    try:
        from transformers import AutoProcessor
        auto = AutoProcessor.from_pretrained(out, local_files_only=True)
        cross["auto_processor_class"] = type(auto).__name__
        cross["auto_image_processor_class"] = type(getattr(auto, "image_processor", None)).__name__
        a = cases[0]
        ids_auto, pv_auto, _ = processor_encode(torch, np, auto, pils[a["name"]], a["prompt"], "AutoProcessor")
        cross["auto_processor_ids_match"] = ids_auto == a["input_ids"]
        cross["auto_processor_pixel_max_abs_diff"] = float((pv_auto - a["_pixel_values"]).abs().max())
    except Exception as e:  # informational only
        cross["auto_processor_error"] = f"{type(e).__name__}: {e}"
    for c in cases:
        del c["_pixel_values"]

    expected = {
        "format": "vscan-parity-fixture",
        "format_version": 1,
        "family": "llava_next",
        "generator": "tools/parity/make_fixtures.py --family llava_next",
        "versions": {
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "tokenizers": getattr(tokenizers_mod, "__version__", "?"),
            "safetensors": getattr(safetensors_mod, "__version__", "?"),
            "pillow": getattr(Image, "__version__", None) or getattr(sys.modules.get("PIL"), "__version__", "?"),
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "device": str(device),
        "seed": args.seed,
        "attn_implementation": impls,
        "weight_layout": weight_layout(weight_names),
        "weight_names": weight_names,
        "image_token_id": IMAGE_TOKEN_ID,
        "image_grid_pinpoints": NEXT_PINPOINTS,
        "crop_size": NEXT_IMAGE_SIZE,
        "patches_per_side": NEXT_PATCHES_PER_SIDE,
        "tokens_per_crop": NEXT_TOKENS_PER_CROP,
        "lm_head_zero_rows": [IMAGE_TOKEN_ID],
        "generation": {"do_sample": False, "max_new_tokens": MAX_NEW_TOKENS, "bos_token_id": BOS_ID,
                       "eos_token_id": EOS_ID, "pad_token_id": PAD_ID},
        "image_processor": ip_entry,
        "image_processor_candidates": ip_report,
        "processor": type(processor).__name__ if processor is not None else None,
        "packed_features_source": packed_source,
        "reference_note": (
            "Pixel values, image sizes and <image> expansion come from transformers' LlavaNextImageProcessor "
            "(its PIL path) and LlavaNextProcessor; the model is fed exactly those pixel values. Logits, "
            "answers and features come from the float32 checkpoint upcast to float64 (model.double()), batch-1 "
            "forward passes of each case; RMSNorm, softmax and RoPE angles still run in float32 inside, so "
            "compare with tolerances of about 1e-6 relative. `layouts` is this script's AnyRes arithmetic, "
            "checked against transformers' select_best_resolution, image_size_to_num_patches and the "
            "processor's token counts."),
        "inputs_file": "inputs.safetensors",
        "cases": cases,
        "cross_checks": cross,
        "warnings": warnings,
    }
    write_json(os.path.join(out, "expected.json"), expected)

    n_warnings = len(warnings)
    files, total = check_out_dir(out, warnings, NEXT_OUTPUT_FILES)
    if len(warnings) != n_warnings:  # check_out_dir added one: keep expected.json's list complete
        write_json(os.path.join(out, "expected.json"), expected)
        files, total = check_out_dir(out, [], NEXT_OUTPUT_FILES)
    log(f"wrote {len(files)} files, {total} bytes: {', '.join(files)}")
    for c in cases:
        log(f"case {c['name']}: {c['num_tokens']} tokens, answer {c['answer_ids']} ({c['answer']!r}), "
            f"min_margin {c['min_margin']:.4g}, float32 vs float64 max |diff| "
            f"{c['float32_vs_float64_max_abs_diff']:.3g}, float32 greedy matches: {c['float32_greedy_matches']}")
    log(f"packed features: {packed_source}; cross-checks: {cross}")
    if warnings:
        log(f"{len(warnings)} warning(s); see expected.json 'warnings'")
    log("done")


# ===================================================================================================
# Qwen2.5-VL (--family qwen2_5_vl)
# ===================================================================================================

QWEN_VOCAB_SIZE = 256
QWEN_WORD_COUNT = 235            # WordLevel ids 0..234; the added special tokens follow
QWEN_SPECIAL_TOKENS = [          # Qwen's order, ids 235..248
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>", "<|vision_end|>",
    "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
]
QWEN_ENDOFTEXT_ID, QWEN_IM_END_ID = 235, 237
QWEN_VISION_START_ID, QWEN_VISION_END_ID, QWEN_VISION_TOKEN_ID = 244, 245, 246
QWEN_IMAGE_TOKEN_ID, QWEN_VIDEO_TOKEN_ID = 247, 248
QWEN_EOS_IDS = [QWEN_IM_END_ID, QWEN_ENDOFTEXT_ID]
QWEN_IMAGE_PAD = "<|image_pad|>"
QWEN_WORDS = [
    "system", "You", "are", "a", "helpful", "assistant.", "user", "assistant", "what", "colour", "is", "the",
    "big", "circle", "?", "how", "many", "shapes", "there", "in", "two", "images", "differ", "between", "do",
    "red", "blue", "green", "left", "right", "one", "three", "yes", "no", "which", "image", "has", "more",
]
QWEN_TEXT_HIDDEN = 64
QWEN_VISION_HIDDEN = 32
QWEN_PATCH = 14
QWEN_MERGE = 2
QWEN_TEMPORAL = 2
QWEN_FACTOR = QWEN_PATCH * QWEN_MERGE   # 28
QWEN_ROW = 3 * QWEN_TEMPORAL * QWEN_PATCH * QWEN_PATCH  # 1176 values per patch row
QWEN_MIN_PIXELS = 3136
QWEN_MAX_PIXELS = 20 * 28 * 28          # 15680: small images keep the fixture small
QWEN_ROPE_THETA = 1000000.0
QWEN_MROPE_SECTION = [2, 3, 3]

# Chat template of src/test/resources/qwen2_5_vl-reference/chat_template.json (Qwen2.5-VL's, data).
QWEN_CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}{% for message in "
    "messages %}{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful "
    "assistant.<|im_end|>\n{% endif %}<|im_start|>{{ message['role'] }}\n{% if message['content'] is string "
    "%}{{ message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}{% if "
    "content['type'] == 'image' or 'image' in content or 'image_url' in content %}{% set image_count.value = "
    "image_count.value + 1 %}{% if add_vision_id %}Picture {{ image_count.value }}: {% endif "
    "%}<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'video' or 'video' in content "
    "%}{% set video_count.value = video_count.value + 1 %}{% if add_vision_id %}Video {{ video_count.value "
    "}}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>{% elif 'text' in content %}{{ "
    "content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}{% if add_generation_prompt "
    "%}<|im_start|>assistant\n{% endif %}"
)

# (name, question, [(width, height)], [(shapes, of which red)]). No side is a multiple of 28.
# 150x125 resizes to 112x140 (h x w) = 15680 = max_pixels exactly (kept: the bound is "more than");
# 330x200 rounds to 196x336, over max_pixels, and is clamped to 84x140 (merged 3x5, odd both ways);
# 40x50 rounds to 56x28, under min_pixels, and is raised to 84x56.
QWEN_CASES = [
    ("a", "what colour is the big circle ?", [(150, 125)], [(3, 1)]),
    ("b", "which image has more red shapes ?", [(330, 200), (40, 50)], [(4, 1), (2, 2)]),
]

QWEN_OUTPUT_FILES = [
    "config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
    "preprocessor_config.json", "chat_template.json", "expected.json", "inputs.safetensors",
] + [f"image_{name}_{i}.png" for name, _, sizes, _ in QWEN_CASES for i in range(len(sizes))]


def qwen_prompt(question, n_images):
    """The chat template for one user turn (images first, then the question) with the default system
    message and the generation prompt, written out."""
    vision = "<|vision_start|><|image_pad|><|vision_end|>" * n_images
    return ("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + vision + question
            + "<|im_end|>\n<|im_start|>assistant\n")


def qwen_messages(question, n_images):
    return [{"role": "user", "content": [{"type": "image"} for _ in range(n_images)]
             + [{"type": "text", "text": question}]}]


def build_qwen_tokenizer():
    from tokenizers import AddedToken, Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import WhitespaceSplit

    vocab = {"<unk>": 0}
    for w in QWEN_WORDS:
        if w in vocab:
            raise FixtureError(f"duplicate Qwen vocabulary entry {w!r}")
        vocab[w] = len(vocab)
    i = 0
    while len(vocab) < QWEN_WORD_COUNT:
        vocab[f"w{i}"] = len(vocab)
        i += 1
    tok = Tokenizer(WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = WhitespaceSplit()
    tok.add_special_tokens([AddedToken(t, single_word=False, lstrip=False, rstrip=False, normalized=False,
                                       special=True) for t in QWEN_SPECIAL_TOKENS])
    for k, t in enumerate(QWEN_SPECIAL_TOKENS):
        if tok.token_to_id(t) != QWEN_WORD_COUNT + k:
            raise FixtureError(f"tokenizer gave {t!r} id {tok.token_to_id(t)}, expected {QWEN_WORD_COUNT + k}")
    return tok


def qwen_tokenizer_config_json():
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "model_max_length": 32768,
        "clean_up_tokenization_spaces": False,
        "split_special_tokens": False,
    }


def qwen_preprocessor_config_json():
    return {
        "image_processor_type": "Qwen2VLImageProcessor",
        "processor_class": "Qwen2_5_VLProcessor",
        "do_resize": True,
        "size": {"shortest_edge": QWEN_MIN_PIXELS, "longest_edge": QWEN_MAX_PIXELS},
        "min_pixels": QWEN_MIN_PIXELS,
        "max_pixels": QWEN_MAX_PIXELS,
        "resample": 3,
        "do_rescale": True,
        "rescale_factor": 1.0 / 255.0,
        "do_normalize": True,
        "image_mean": CLIP_MEAN,
        "image_std": CLIP_STD,
        "do_convert_rgb": True,
        "patch_size": QWEN_PATCH,
        "temporal_patch_size": QWEN_TEMPORAL,
        "merge_size": QWEN_MERGE,
    }


def own_smart_resize(height, width):
    """Qwen2-VL's smart_resize with factor 28 and this script's pixel bounds (Python's round: half to even)."""
    h = max(QWEN_FACTOR, round(height / QWEN_FACTOR) * QWEN_FACTOR)
    w = max(QWEN_FACTOR, round(width / QWEN_FACTOR) * QWEN_FACTOR)
    if h * w > QWEN_MAX_PIXELS:
        beta = math.sqrt(height * width / QWEN_MAX_PIXELS)
        h = max(QWEN_FACTOR, math.floor(height / beta / QWEN_FACTOR) * QWEN_FACTOR)
        w = max(QWEN_FACTOR, math.floor(width / beta / QWEN_FACTOR) * QWEN_FACTOR)
    elif h * w < QWEN_MIN_PIXELS:
        beta = math.sqrt(QWEN_MIN_PIXELS / (height * width))
        h = math.ceil(height * beta / QWEN_FACTOR) * QWEN_FACTOR
        w = math.ceil(width * beta / QWEN_FACTOR) * QWEN_FACTOR
    return h, w


def own_qwen_pixel_values(np, Image, pil_images):
    """The PIL path of Qwen2VLImageProcessor: bicubic resize of the uint8 image to smart_resize's size,
    float32(float64(x) / 255), (x - mean) / std in float32, two identical frames, rows over the 2x2 merge
    blocks. Returns ([patches, 1176] float32 for all images, [[t, h, w], ...])."""
    rows, grids = [], []
    for im in pil_images:
        w, h = im.size
        rh, rw = own_smart_resize(h, w)
        arr = np.asarray(im.convert("RGB").resize((rw, rh), resample=Image.BICUBIC), dtype=np.uint8)
        x = (arr.astype(np.float64) * (1.0 / 255.0)).astype(np.float32)
        x = (x - np.asarray(CLIP_MEAN, dtype=np.float32)) / np.asarray(CLIP_STD, dtype=np.float32)
        x = x.transpose(2, 0, 1)[None]                     # [1, C, H, W]
        x = np.concatenate([x] * QWEN_TEMPORAL, axis=0)    # [2, C, H, W]
        gh, gw = rh // QWEN_PATCH, rw // QWEN_PATCH
        x = x.reshape(1, QWEN_TEMPORAL, 3, gh // QWEN_MERGE, QWEN_MERGE, QWEN_PATCH, gw // QWEN_MERGE,
                      QWEN_MERGE, QWEN_PATCH)
        x = x.transpose(0, 3, 6, 4, 7, 2, 1, 5, 8).reshape(gh * gw, QWEN_ROW)
        rows.append(np.ascontiguousarray(x, dtype=np.float32))
        grids.append([1, gh, gw])
    return np.concatenate(rows, axis=0), grids


def own_qwen_positions(ids, grids):
    """M-RoPE position ids (3 streams) as get_rope_index gives them for images: text counts on from the
    previous maximum + 1; the image token at merged row y, column x of an image whose first token would get
    position s gets (s, s + y, s + x)."""
    streams = [[], [], []]
    nxt, i, g = 0, 0, 0
    while i < len(ids):
        if ids[i] != QWEN_IMAGE_TOKEN_ID:
            for s in streams:
                s.append(nxt)
            nxt += 1
            i += 1
            continue
        _, gh, gw = grids[g]
        mh, mw = gh // QWEN_MERGE, gw // QWEN_MERGE
        for y in range(mh):
            for x in range(mw):
                streams[0].append(nxt)
                streams[1].append(nxt + y)
                streams[2].append(nxt + x)
        nxt += max(mh, mw)
        i += mh * mw
        g += 1
    if g != len(grids) or any(len(s) != len(ids) for s in streams):
        raise FixtureError(f"own M-RoPE positions: used {g} of {len(grids)} grids, {len(streams[0])} of "
                           f"{len(ids)} ids")
    return streams, max(max(s) for s in streams) + 1 - len(ids)


def expand_qwen_ids(ids, grids):
    out, g = [], 0
    for i in ids:
        if i == QWEN_IMAGE_TOKEN_ID:
            _, gh, gw = grids[g]
            out.extend([i] * (gh * gw // QWEN_MERGE ** 2))
            g += 1
        else:
            out.append(i)
    return out


def build_qwen_config(transformers, ver):
    from transformers import Qwen2_5_VLConfig

    vision = dict(
        depth=4, hidden_size=QWEN_VISION_HIDDEN, hidden_act="silu", intermediate_size=64, num_heads=2,
        in_channels=3, patch_size=QWEN_PATCH, spatial_merge_size=QWEN_MERGE, temporal_patch_size=QWEN_TEMPORAL,
        tokens_per_second=2, window_size=56, out_hidden_size=QWEN_TEXT_HIDDEN, fullatt_block_indexes=[1, 3],
        initializer_range=0.02,
    )
    text = dict(
        vocab_size=QWEN_VOCAB_SIZE, hidden_size=QWEN_TEXT_HIDDEN, intermediate_size=160, num_hidden_layers=4,
        num_attention_heads=4, num_key_value_heads=2, hidden_act="silu", max_position_embeddings=4096,
        rms_norm_eps=1e-6, use_sliding_window=False, sliding_window=4096, max_window_layers=4,
        attention_dropout=0.0, tie_word_embeddings=False, bos_token_id=QWEN_ENDOFTEXT_ID,
        eos_token_id=QWEN_IM_END_ID, pad_token_id=QWEN_ENDOFTEXT_ID, initializer_range=0.02,
    )
    if ver >= (5, 0):
        text["rope_parameters"] = {"rope_type": "default", "rope_theta": QWEN_ROPE_THETA,
                                   "mrope_section": list(QWEN_MROPE_SECTION)}
    else:
        text["rope_theta"] = QWEN_ROPE_THETA
        text["rope_scaling"] = {"type": "mrope", "mrope_section": list(QWEN_MROPE_SECTION)}
    ids = dict(image_token_id=QWEN_IMAGE_TOKEN_ID, video_token_id=QWEN_VIDEO_TOKEN_ID,
               vision_start_token_id=QWEN_VISION_START_ID, vision_end_token_id=QWEN_VISION_END_ID,
               vision_token_id=QWEN_VISION_TOKEN_ID)
    attempts = [
        dict(text_config=text, vision_config=vision, tie_word_embeddings=False, **ids),
        dict(text_config=text, vision_config=vision, tie_word_embeddings=False,
             image_token_id=QWEN_IMAGE_TOKEN_ID, video_token_id=QWEN_VIDEO_TOKEN_ID),
    ]
    # Stricter configs may refuse keys this script sets only for completeness: retry without them.
    optional = ("bos_token_id", "eos_token_id", "pad_token_id", "initializer_range", "max_window_layers",
                "sliding_window", "attention_dropout")
    lean_text = {k: v for k, v in text.items() if k not in optional}
    lean_vision = {k: v for k, v in vision.items() if k not in optional}
    attempts.append(dict(text_config=lean_text, vision_config=lean_vision, tie_word_embeddings=False,
                         image_token_id=QWEN_IMAGE_TOKEN_ID, video_token_id=QWEN_VIDEO_TOKEN_ID))
    if ver < (5, 0):  # older 4.x read the decoder fields from the top level
        attempts.append(dict(vision_config=vision, **text, **ids))
    errors = []
    config = None
    for kwargs in attempts:
        try:
            config = Qwen2_5_VLConfig(**kwargs)
            break
        except (TypeError, ValueError) as e:
            errors.append(f"{sorted(kwargs)}: {type(e).__name__}: {e}")
    if config is None:
        raise FixtureError("Qwen2_5_VLConfig rejected every form tried: " + " | ".join(errors))
    for k, v in ids.items():  # get_rope_index (4.x) reads vision_start_token_id from the top-level config
        if getattr(config, k, None) != v:
            try:
                setattr(config, k, v)
            except Exception:
                pass
    force_eager(config)
    check_qwen_config(config)
    return config


def qwen_mrope_section_of(t):
    for attr in ("rope_parameters", "rope_scaling"):
        d = getattr(t, attr, None)
        if isinstance(d, dict) and d.get("mrope_section") is not None:
            return list(d["mrope_section"])
    return None


def check_qwen_config(config):
    t = config.text_config if hasattr(config, "text_config") else config
    v = config.vision_config
    expect = {
        "text.vocab_size": (t.vocab_size, QWEN_VOCAB_SIZE),
        "text.hidden_size": (t.hidden_size, QWEN_TEXT_HIDDEN),
        "text.num_hidden_layers": (t.num_hidden_layers, 4),
        "text.num_attention_heads": (t.num_attention_heads, 4),
        "text.num_key_value_heads": (t.num_key_value_heads, 2),
        "text.intermediate_size": (t.intermediate_size, 160),
        "text.rope_theta": (rope_theta_of(t), QWEN_ROPE_THETA),
        "text.mrope_section": (qwen_mrope_section_of(t), QWEN_MROPE_SECTION),
        "vision.depth": (v.depth, 4),
        "vision.hidden_size": (v.hidden_size, QWEN_VISION_HIDDEN),
        "vision.num_heads": (v.num_heads, 2),
        "vision.window_size": (v.window_size, 56),
        "vision.fullatt_block_indexes": (list(v.fullatt_block_indexes), [1, 3]),
        "vision.out_hidden_size": (v.out_hidden_size, QWEN_TEXT_HIDDEN),
        "vision.spatial_merge_size": (v.spatial_merge_size, QWEN_MERGE),
        "image_token_id": (getattr(config, "image_token_id", None), QWEN_IMAGE_TOKEN_ID),
        "vision_start_token_id": (getattr(config, "vision_start_token_id", None), QWEN_VISION_START_ID),
        "tie_word_embeddings": (bool(getattr(config, "tie_word_embeddings", False)), False),
        "text.tie_word_embeddings": (bool(getattr(t, "tie_word_embeddings", False)), False),
    }
    bad = [f"{k}={got!r} (want {want!r})" for k, (got, want) in expect.items() if got != want]
    if bad:
        raise FixtureError("the built Qwen2_5_VLConfig differs from the intended one: " + ", ".join(bad))


def qwen_zero_head_rows():
    """lm_head rows kept at exactly 0 so greedy decoding never emits them: the special tokens other than the
    two end ids (an <|image_pad|> could not be fed back) and the padding rows past the tokenizer."""
    specials = [QWEN_WORD_COUNT + k for k in range(len(QWEN_SPECIAL_TOKENS))]
    return [i for i in specials if i not in QWEN_EOS_IDS] + list(range(QWEN_WORD_COUNT + len(QWEN_SPECIAL_TOKENS),
                                                                       QWEN_VOCAB_SIZE))


def build_qwen_model(torch, transformers, ver, seed, warnings):
    from transformers import GenerationConfig, Qwen2_5_VLForConditionalGeneration

    torch.manual_seed(seed)
    config = build_qwen_config(transformers, ver)
    model = Qwen2_5_VLForConditionalGeneration(config).to(dtype=torch.float32)
    model.eval()
    impls = attn_implementations(model)
    if any(v != "eager" for v in impls.values()):
        setter = getattr(model, "set_attn_implementation", None)
        if callable(setter):
            try:
                setter("eager")
            except Exception as e:
                warn(f"set_attn_implementation('eager') failed: {type(e).__name__}: {e}", warnings)
            impls = attn_implementations(model)
    if any(v != "eager" for v in impls.values()):
        warn(f"attention implementation is not eager everywhere: {impls} (math is the same, rounding differs)",
             warnings)
    n = reinitialise(torch, model, seed)
    with torch.no_grad():
        head = model.get_output_embeddings().weight
        for row in qwen_zero_head_rows():
            head[row].zero_()
    emb = model.get_input_embeddings().weight
    head = model.get_output_embeddings().weight
    if emb.data_ptr() == head.data_ptr():
        raise FixtureError("lm_head.weight is tied to embed_tokens.weight although tie_word_embeddings=False")
    if tuple(emb.shape) != (QWEN_VOCAB_SIZE, QWEN_TEXT_HIDDEN) or tuple(head.shape) != (QWEN_VOCAB_SIZE,
                                                                                       QWEN_TEXT_HIDDEN):
        raise FixtureError(f"unexpected embedding shapes {tuple(emb.shape)} / {tuple(head.shape)}")
    for name, p in model.named_parameters():
        if p.dtype != torch.float32:
            raise FixtureError(f"parameter {name} is {p.dtype}, expected float32")
    model.generation_config = GenerationConfig(bos_token_id=QWEN_ENDOFTEXT_ID, eos_token_id=list(QWEN_EOS_IDS),
                                               pad_token_id=QWEN_ENDOFTEXT_ID, do_sample=False)
    log(f"built Qwen2_5_VLForConditionalGeneration: {n} parameter tensors, "
        f"{sum(p.numel() for p in model.parameters())} values, attention {impls}")
    return model, impls


def qwen_inner(model):
    """The Qwen2_5_VLModel inside (4.52+ and 5.x); the model itself for older layouts."""
    inner = getattr(model, "model", None)
    return inner if inner is not None and hasattr(inner, "visual") else model


def qwen_visual(model):
    for owner in (qwen_inner(model), model):
        v = getattr(owner, "visual", None)
        if v is not None:
            return v
    raise FixtureError(f"cannot find the visual module on {type(model).__name__}")


def qwen_has_param(fn, name):
    import inspect
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class QwenRun:
    """Calls into one Qwen2_5_VLForConditionalGeneration with the inputs its version wants: 5.x computes
    M-RoPE only when mm_token_type_ids (0 text, 1 image) is given; 4.x derives it from input_ids and would
    reject the extra argument."""

    def __init__(self, torch, model, device):
        self.torch, self.model, self.device = torch, model, device
        self.wants_types = qwen_has_param(model.forward, "mm_token_type_ids") or qwen_has_param(
            qwen_inner(model).forward, "mm_token_type_ids")

    def inputs(self, ids, pv, grids, dtype):
        torch = self.torch
        input_ids = torch.tensor([ids], dtype=torch.long, device=self.device)
        d = {
            "input_ids": input_ids,
            "attention_mask": torch.ones_like(input_ids),
            "pixel_values": pv.to(device=self.device, dtype=dtype),
            "image_grid_thw": torch.tensor(grids, dtype=torch.long, device=self.device),
        }
        if self.wants_types:
            d["mm_token_type_ids"] = (input_ids == QWEN_IMAGE_TOKEN_ID).to(torch.int32)
        return d

    def reset(self):
        """Forget the rope deltas a previous call cached on the inner model, so every call starts afresh."""
        inner = qwen_inner(self.model)
        if hasattr(inner, "rope_deltas"):
            inner.rope_deltas = None

    def forward(self, ids, pv, grids, dtype):
        self.reset()
        out = self.model(**self.inputs(ids, pv, grids, dtype), use_cache=False)
        logits = out.logits
        if logits is None or tuple(logits.shape) != (1, len(ids), QWEN_VOCAB_SIZE):
            raise FixtureError(f"unexpected logits shape {None if logits is None else tuple(logits.shape)}")
        if not self.torch.isfinite(logits).all():
            raise FixtureError("the model produced non-finite logits")
        return logits[0].detach().to("cpu", self.torch.float64)

    def forward_capturing(self, ids, pv, grids, dtype):
        """One forward pass that also records what the language model received: inputs_embeds (its image
        rows are the merged image features) and position_ids (the M-RoPE ids actually used)."""
        torch = self.torch
        lm = getattr(qwen_inner(self.model), "language_model", None)
        if not isinstance(lm, torch.nn.Module):
            return self.forward(ids, pv, grids, dtype), None, None
        captured = {}

        def hook(module, args, kwargs):
            for key in ("inputs_embeds", "position_ids"):
                v = kwargs.get(key)
                if isinstance(v, torch.Tensor):
                    captured[key] = v.detach().clone()

        handle = lm.register_forward_pre_hook(hook, with_kwargs=True)
        try:
            logits = self.forward(ids, pv, grids, dtype)
        finally:
            handle.remove()
        emb, pos = captured.get("inputs_embeds"), captured.get("position_ids")
        feats = None
        if emb is not None and emb.dim() == 3 and emb.shape[1] == len(ids):
            mask = torch.tensor(ids, device=emb.device) == QWEN_IMAGE_TOKEN_ID
            feats = emb[0][mask].to("cpu", torch.float64)
        streams = None
        if pos is not None and pos.dim() == 3 and pos.shape[-1] == len(ids):
            if pos.shape[0] == 4:  # some versions put the text positions first
                pos = pos[1:]
            if pos.shape[0] == 3:
                streams = pos[:, 0, :].to("cpu").tolist()
        if emb is not None and streams is None:
            # The hook saw the call, but no M-RoPE ids: the language model would fall back to 1-D positions.
            raise FixtureError("the language model received position_ids "
                               f"{None if pos is None else tuple(pos.shape)} instead of 3 M-RoPE streams "
                               f"(mm_token_type_ids passed: {self.wants_types})")
        return logits, feats, streams

    def greedy_manual(self, ids, pv, grids, dtype):
        """Greedy decoding by full recomputation every step (logits in the model's dtype), with margins."""
        seq, new, margins = list(ids), [], []
        for _ in range(MAX_NEW_TOKENS):
            last = self.forward(seq, pv, grids, dtype)[-1]
            top = self.torch.topk(last, 2)
            nxt = int(self.torch.argmax(last))
            if nxt in qwen_zero_head_rows():
                raise FixtureError(f"greedy decoding produced special id {nxt}; pick another --seed")
            margins.append(float(top.values[0] - top.values[1]))
            new.append(nxt)
            seq.append(nxt)
            if nxt in QWEN_EOS_IDS:
                break
        return new, margins

    def greedy_generate(self, ids, pv, grids, dtype):
        self.reset()
        out = self.model.generate(**self.inputs(ids, pv, grids, dtype), do_sample=False,
                                  max_new_tokens=MAX_NEW_TOKENS, eos_token_id=list(QWEN_EOS_IDS),
                                  pad_token_id=QWEN_ENDOFTEXT_ID)
        seqs = out.sequences if hasattr(out, "sequences") else out
        full = seqs[0].tolist()
        if full[: len(ids)] != list(ids):
            raise FixtureError("generate() returned a sequence that does not start with the prompt")
        return full[len(ids):]

    def rope_index(self, ids, grids):
        """transformers' own M-RoPE ids: get_rope_index on the inner model (4.x: input_ids, image_grid_thw,
        video_grid_thw, second_per_grid_ts, attention_mask; 5.x: input_ids, mm_token_type_ids, ...)."""
        torch = self.torch
        owners = [qwen_inner(self.model), self.model]
        fn = next((getattr(o, "get_rope_index") for o in owners if callable(getattr(o, "get_rope_index", None))),
                  None)
        if fn is None:
            raise FixtureError(f"{type(self.model).__name__} has no get_rope_index")
        input_ids = torch.tensor([ids], dtype=torch.long, device=self.device)
        kwargs = {"input_ids": input_ids,
                  "image_grid_thw": torch.tensor(grids, dtype=torch.long, device=self.device),
                  "video_grid_thw": None, "attention_mask": torch.ones_like(input_ids)}
        if qwen_has_param(fn, "mm_token_type_ids"):
            kwargs["mm_token_type_ids"] = (input_ids == QWEN_IMAGE_TOKEN_ID).to(torch.int32)
        if qwen_has_param(fn, "second_per_grid_ts"):
            kwargs["second_per_grid_ts"] = None
        kwargs = {k: v for k, v in kwargs.items() if qwen_has_param(fn, k)}
        result = fn(**kwargs)
        pos, delta = result[0], result[1]
        if pos.dim() == 3 and pos.shape[0] == 4:
            pos = pos[1:]
        if pos.dim() != 3 or pos.shape[0] != 3 or pos.shape[-1] != len(ids):
            raise FixtureError(f"get_rope_index returned position ids of shape {tuple(pos.shape)}")
        return pos[:, 0, :].to("cpu").tolist(), int(delta.reshape(-1)[0]), sorted(kwargs)

    def image_features_api(self, pv, grids, dtype):
        """Merged image features through get_image_features, whatever it returns in this version (4.x: a
        tuple split per image; 5.x: a ModelOutput whose pooler_output holds them, or (features, sizes))."""
        torch = self.torch
        owners = [qwen_inner(self.model), self.model]
        getter = next((getattr(o, "get_image_features") for o in owners
                       if callable(getattr(o, "get_image_features", None))), None)
        if getter is None:
            raise FixtureError("no get_image_features")
        result = getter(pv.to(device=self.device, dtype=dtype),
                        torch.tensor(grids, dtype=torch.long, device=self.device))
        path = ["get_image_features"]
        if not isinstance(result, (list, tuple, torch.Tensor)) and hasattr(result, "pooler_output"):
            result = result.pooler_output
            path.append("pooler_output")
        if (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], torch.Tensor)
                and not isinstance(result[1], torch.Tensor)):
            result = result[0]
            path.append("(features, split_sizes)[0]")
        return qwen_flat(torch, result, "get_image_features"), " -> ".join(path)

    def image_features_visual(self, pv, grids, dtype):
        """The visual module called directly (4.x: returns the merged features; 5.x: pooler_output)."""
        torch = self.torch
        visual = qwen_visual(self.model)
        result = visual(pv.to(device=self.device, dtype=dtype),
                        grid_thw=torch.tensor(grids, dtype=torch.long, device=self.device))
        path = ["visual(pixel_values, grid_thw)"]
        if not isinstance(result, (list, tuple, torch.Tensor)) and hasattr(result, "pooler_output"):
            result = result.pooler_output
            path.append("pooler_output")
        return qwen_flat(torch, result, "visual"), " -> ".join(path)


def qwen_flat(torch, value, what):
    if isinstance(value, torch.Tensor):
        t = value
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, torch.Tensor) for v in value):
        t = torch.cat([v.reshape(-1, v.shape[-1]) for v in value], dim=0)
    else:
        raise FixtureError(f"{what} returned {type(value).__name__}, not features")
    return t.reshape(-1, t.shape[-1]).detach().to("cpu", torch.float64)


def qwen_image_processor_candidates(transformers, out):
    kwargs = {k: v for k, v in qwen_preprocessor_config_json().items()
              if k not in ("image_processor_type", "processor_class")}
    candidates = []

    def add_class(name):
        try:
            cls = getattr(transformers, name, None)
        except Exception:  # a lazy import that needs a missing backend
            cls = None
        if cls is not None:
            candidates.append((f"{name}.from_pretrained(out)",
                               lambda cls=cls: cls.from_pretrained(out, local_files_only=True)))
            candidates.append((f"{name}(**preprocessor_config)", lambda cls=cls: cls(**kwargs)))

    add_class("Qwen2VLImageProcessorPil")
    add_class("Qwen2VLImageProcessor")
    try:
        plain = getattr(transformers, "Qwen2VLImageProcessor", None)
    except Exception:
        plain = None
    if plain is not None:
        for backend in ("pil", "python"):
            candidates.append((f"Qwen2VLImageProcessor(**preprocessor_config, backend={backend!r})",
                               lambda backend=backend: plain(**kwargs, backend=backend)))
    try:
        from transformers import AutoImageProcessor
    except ImportError:
        AutoImageProcessor = None
    if AutoImageProcessor is not None:
        candidates.append(("AutoImageProcessor.from_pretrained(backend='pil')",
                           lambda: AutoImageProcessor.from_pretrained(out, local_files_only=True, backend="pil")))
        candidates.append(("AutoImageProcessor.from_pretrained(use_fast=False)",
                           lambda: AutoImageProcessor.from_pretrained(out, local_files_only=True, use_fast=False)))
    return candidates


def qwen_grids_of(torch, value):
    if isinstance(value, torch.Tensor):
        value = value.tolist()
    return [[int(a) for a in row] for row in value]


def run_qwen_image_processor(torch, np, ip, pil_images, what):
    enc = ip(images=pil_images, return_tensors="pt")
    if "pixel_values" not in enc or "image_grid_thw" not in enc:
        raise FixtureError(f"{what}: the image processor returned {sorted(enc.keys())}, "
                           "expected pixel_values and image_grid_thw")
    return as_float_tensor(torch, np, enc["pixel_values"], what), qwen_grids_of(torch, enc["image_grid_thw"])


def choose_qwen_image_processor(torch, np, Image, transformers, out, pils_by_case, warnings):
    """The first candidate whose pixel values equal the script's own Pillow computation (1e-5) for every case;
    failing that the first one that runs (with a warning: the Java engine follows the PIL path)."""
    report, first_working = [], None
    own = {name: own_qwen_pixel_values(np, Image, pils) for name, pils in pils_by_case.items()}
    for label, factory in qwen_image_processor_candidates(transformers, out):
        entry = {"candidate": label}
        try:
            ip = factory()
            entry["class"] = type(ip).__name__
            entry["module"] = type(ip).__module__
            backend = getattr(ip, "backend", None)
            entry["backend"] = backend if isinstance(backend, str) else None
            worst = 0.0
            for name, pils in pils_by_case.items():
                pv, grids = run_qwen_image_processor(torch, np, ip, pils, f"{label}, case {name}")
                own_pv, own_grids = own[name]
                if grids != own_grids:
                    raise FixtureError(f"image_grid_thw {grids}, smart_resize gives {own_grids}")
                if tuple(pv.shape) != tuple(own_pv.shape):
                    raise FixtureError(f"pixel_values shape {tuple(pv.shape)}, the PIL path gives "
                                       f"{tuple(own_pv.shape)}")
                worst = max(worst, float((pv - torch.from_numpy(own_pv)).abs().max()))
            entry["max_abs_diff_vs_own_pil"] = worst
        except Exception as e:  # try the next candidate
            entry["error"] = f"{type(e).__name__}: {e}"
            report.append(entry)
            continue
        report.append(entry)
        if first_working is None:
            first_working = (ip, entry)
        if entry["max_abs_diff_vs_own_pil"] <= PIL_EXACT_TOLERANCE:
            return ip, entry, report
    if first_working is None:
        raise FixtureError("no Qwen2-VL image processor could be built and run: "
                           + "; ".join(f"{r['candidate']}: {r.get('error')}" for r in report))
    ip, entry = first_working
    warn(f"no image processor reproduces the Pillow path (best: {entry['candidate']}, max |diff| "
         f"{entry['max_abs_diff_vs_own_pil']:.3g}); its pixel values are recorded anyway", warnings)
    return ip, entry, report


def load_qwen_hf_tokenizer(out, warnings):
    try:
        from transformers import AutoTokenizer
        return AutoTokenizer.from_pretrained(out, local_files_only=True)
    except Exception as e:
        warn(f"AutoTokenizer.from_pretrained failed ({type(e).__name__}: {e}); using PreTrainedTokenizerFast",
             warnings)
    try:
        from transformers import PreTrainedTokenizerFast
        return PreTrainedTokenizerFast(tokenizer_file=os.path.join(out, "tokenizer.json"), eos_token="<|im_end|>",
                                       pad_token="<|endoftext|>")
    except Exception as e:
        raise FixtureError(f"cannot build a transformers tokenizer from {out}/tokenizer.json: "
                           f"{type(e).__name__}: {e}") from e


def qwen_tokenizer_candidates(transformers, out, hf_tok):
    """The tokenizer as AutoTokenizer loads it (PreTrainedTokenizerFast), then as a Qwen2 tokenizer class built
    from the same tokenizer.json, for processors that insist on the latter (4.x checks the class)."""
    found = [("AutoTokenizer", hf_tok)]
    for name in ("Qwen2TokenizerFast", "Qwen2Tokenizer"):
        try:
            cls = getattr(transformers, name, None)
            if cls is None:
                continue
            found.append((f"{name}(tokenizer_file)", cls(tokenizer_file=os.path.join(out, "tokenizer.json"),
                                                          eos_token="<|im_end|>", pad_token="<|endoftext|>")))
            break
        except Exception:  # the class cannot take this file: the next one may
            continue
    return found


def build_qwen_processor(transformers, image_processor, tokenizers, check, warnings):
    """Qwen2_5_VLProcessor whose expansion of a trial prompt gives tokenizer.json's ids; 5.x may want a video
    processor, so one is offered when it can be built."""
    try:
        from transformers import Qwen2_5_VLProcessor
    except ImportError as e:
        warn(f"transformers has no Qwen2_5_VLProcessor ({e}); <|image_pad|> is expanded by this script", warnings)
        return None, None, []
    video = None
    try:
        cls = getattr(transformers, "Qwen2VLVideoProcessor", None)
        video = cls() if cls is not None else None
    except Exception:  # needs a backend that is not installed
        video = None
    errors = []
    for tok_label, hf_tok in tokenizers:
        forms = []
        if video is not None:
            forms.append(("image_processor, tokenizer, video_processor, chat_template",
                          dict(image_processor=image_processor, tokenizer=hf_tok, video_processor=video,
                               chat_template=QWEN_CHAT_TEMPLATE)))
        forms.append(("image_processor, tokenizer, chat_template",
                      dict(image_processor=image_processor, tokenizer=hf_tok, chat_template=QWEN_CHAT_TEMPLATE)))
        for label, kwargs in forms:
            form = f"{label}; tokenizer {tok_label}"
            try:
                processor = Qwen2_5_VLProcessor(**kwargs)
                check(processor)
                return processor, form, errors
            except Exception as e:  # try the next form
                errors.append(f"{form}: {type(e).__name__}: {e}")
    warn("no Qwen2_5_VLProcessor form worked (" + " | ".join(errors) + "); <|image_pad|> is expanded by this "
         "script", warnings)
    return None, None, errors


def qwen_processor_encode(torch, np, processor, pils, prompt, what):
    enc = processor(images=pils, text=[prompt], return_tensors="pt")
    ids = enc["input_ids"]
    ids = ids[0].tolist() if isinstance(ids, torch.Tensor) else list(ids[0])
    pv = as_float_tensor(torch, np, enc["pixel_values"], what)
    types = enc.get("mm_token_type_ids") if hasattr(enc, "get") else None
    if isinstance(types, torch.Tensor):
        types = types[0].tolist()
    return [int(i) for i in ids], pv, qwen_grids_of(torch, enc["image_grid_thw"]), types


def run_qwen(args):
    torch, transformers, tokenizers_mod, safetensors_mod, ver = import_stack()
    np, Image = import_pil_numpy()
    import safetensors.torch as st
    try:
        from transformers import Qwen2_5_VLForConditionalGeneration
    except ImportError as e:
        raise FixtureError(f"transformers {transformers.__version__} has no Qwen2_5_VLForConditionalGeneration "
                           f"({e})") from e

    warnings = []
    if args.device == "cuda" and not torch.cuda.is_available():
        raise FixtureError("--device cuda given but torch.cuda.is_available() is False")
    device = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")

    out = os.path.abspath(args.out)
    prepare_out_dir(out, QWEN_OUTPUT_FILES)
    log(f"family qwen2_5_vl: transformers {transformers.__version__}, torch {torch.__version__}, "
        f"device {device}, out {out}")

    # --- tokenizer, processor configs, images ---
    tok = build_qwen_tokenizer()
    tok.save(os.path.join(out, "tokenizer.json"))
    write_json(os.path.join(out, "tokenizer_config.json"), qwen_tokenizer_config_json())
    write_json(os.path.join(out, "preprocessor_config.json"), qwen_preprocessor_config_json())
    write_json(os.path.join(out, "chat_template.json"), {"chat_template": QWEN_CHAT_TEMPLATE})

    gen = torch.Generator(device="cpu").manual_seed(args.seed)
    images, pils = {}, {}
    for name, _, sizes, shapes in QWEN_CASES:
        images[name] = [make_next_image(torch, gen, w, h, n, red) for (w, h), (n, red) in zip(sizes, shapes)]
        pils[name] = [Image.fromarray(im.numpy()) for im in images[name]]
        for i, (p, (w, h)) in enumerate(zip(pils[name], sizes)):
            if list(p.size) != [w, h] or w % QWEN_FACTOR == 0 or h % QWEN_FACTOR == 0:
                raise FixtureError(f"case {name!r} image {i}: size {p.size}, wanted {w}x{h} (no side a multiple "
                                   "of 28)")
            p.save(os.path.join(out, f"image_{name}_{i}.png"), format="PNG")
            with Image.open(os.path.join(out, f"image_{name}_{i}.png")) as back:
                if not np.array_equal(np.asarray(back.convert("RGB")), images[name][i].numpy()):
                    raise FixtureError(f"image_{name}_{i}.png does not read back as the image it was saved from")

    # --- transformers' preprocessing ---
    image_processor, ip_entry, ip_report = choose_qwen_image_processor(torch, np, Image, transformers, out, pils,
                                                                       warnings)
    log(f"image processor: {ip_entry['candidate']} -> {ip_entry.get('class')} (backend "
        f"{ip_entry.get('backend')}), max |diff| to the Pillow path {ip_entry['max_abs_diff_vs_own_pil']:.3g}")
    hf_tok = load_qwen_hf_tokenizer(out, warnings)

    def check_processor(processor):
        name, question, sizes, _ = QWEN_CASES[0]
        prompt = qwen_prompt(question, len(sizes))
        ids, _, grids, _ = qwen_processor_encode(torch, np, processor, pils[name], prompt, "trial")
        want = expand_qwen_ids(tok.encode(prompt).ids, grids)
        if ids != want:
            raise FixtureError(f"the processor gives ids {ids[:12]}..., tokenizer.json expanded gives {want[:12]}...")

    processor, processor_form, processor_errors = build_qwen_processor(
        transformers, image_processor, qwen_tokenizer_candidates(transformers, out, hf_tok), check_processor,
        warnings)

    try:
        from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize as hf_smart_resize
    except ImportError:
        hf_smart_resize = None

    cross = {}
    cases = []
    for name, question, sizes, _ in QWEN_CASES:
        n_images = len(sizes)
        prompt = qwen_prompt(question, n_images)
        enc = tok.encode(prompt)
        raw_ids = enc.ids
        if raw_ids.count(QWEN_IMAGE_TOKEN_ID) != n_images or 0 in raw_ids:
            raise FixtureError(f"prompt {name!r} tokenized to {enc.tokens}: expected {n_images} <|image_pad|> "
                               "and no unknown words")
        resized = [list(own_smart_resize(h, w)) for (w, h) in sizes]
        if hf_smart_resize is not None:
            for (w, h), want in zip(sizes, resized):
                got = None
                for kwargs in (dict(factor=QWEN_FACTOR, min_pixels=QWEN_MIN_PIXELS, max_pixels=QWEN_MAX_PIXELS),):
                    try:
                        got = [int(v) for v in hf_smart_resize(h, w, **kwargs)]
                    except TypeError:
                        got = None
                if got is not None and got != want:
                    raise FixtureError(f"case {name!r}: transformers' smart_resize gives {got} for {w}x{h}, this "
                                       f"script {want}")
        own_pv, own_grids = own_qwen_pixel_values(np, Image, pils[name])
        if processor is not None:
            ids, pv, grids, types = qwen_processor_encode(torch, np, processor, pils[name], prompt, f"case {name}")
            source = f"Qwen2_5_VLProcessor({processor_form})"
            alone, alone_grids = run_qwen_image_processor(torch, np, image_processor, pils[name], f"case {name}")
            if alone_grids != grids or alone.shape != pv.shape or float((alone - pv).abs().max()) != 0.0:
                warn(f"case {name!r}: Qwen2_5_VLProcessor's pixel values differ from its image processor's alone; "
                     "the processor's are recorded", warnings)
            if types is not None:
                want_types = [1 if i == QWEN_IMAGE_TOKEN_ID else 0 for i in ids]
                cross[f"processor_mm_token_type_ids_match_{name}"] = [int(t) for t in types] == want_types
        else:
            pv, grids = run_qwen_image_processor(torch, np, image_processor, pils[name], f"case {name}")
            ids = None
            source = "this script (no Qwen2_5_VLProcessor)"
        if grids != own_grids:
            raise FixtureError(f"case {name!r}: image_grid_thw {grids}, smart_resize gives {own_grids}")
        own_ids = expand_qwen_ids(raw_ids, grids)
        if ids is None:
            ids = own_ids
        elif ids != own_ids:
            warn(f"case {name!r}: Qwen2_5_VLProcessor's ids differ from expanding each <|image_pad|> by "
                 "t*h*w/4 (the processor's are recorded)", warnings)
        if processor is not None:
            try:
                text = processor.apply_chat_template(qwen_messages(question, n_images), tokenize=False,
                                                     add_generation_prompt=True)
                cross[f"chat_template_matches_{name}"] = text == prompt
                if text != prompt:
                    warn(f"case {name!r}: apply_chat_template gives {text!r}, the script writes {prompt!r}",
                         warnings)
            except Exception as e:  # informational only
                cross[f"chat_template_error_{name}"] = f"{type(e).__name__}: {e}"
        tokens = [g[0] * g[1] * g[2] // QWEN_MERGE ** 2 for g in grids]
        cases.append({
            "name": name, "question": question, "prompt": prompt, "num_images": n_images,
            "images": [{"file": f"image_{name}_{i}.png", "key": f"images_{name}_{i}", "width": w, "height": h,
                        "resized_height_width": r, "grid_thw": g, "num_image_tokens": t}
                       for i, ((w, h), r, g, t) in enumerate(zip(sizes, resized, grids, tokens))],
            "image_grid_thw": grids, "image_grid_thw_key": f"image_grid_thw_{name}",
            "pixel_values_key": f"pixel_values_{name}", "pixel_values_shape": list(pv.shape),
            "pixel_values_max_abs_diff_vs_own_pil": float((pv - torch.from_numpy(own_pv)).abs().max()),
            "input_ids_source": source,
            "input_ids_unexpanded": raw_ids, "input_ids": ids,
            "_pixel_values": pv,
        })
        log(f"case {name}: images {sizes} (w x h) -> grids {grids}, image tokens {tokens}, {len(ids)} ids")

    # --- model: build, save, reload check ---
    model, impls = build_qwen_model(torch, transformers, ver, args.seed, warnings)
    weight_names = save_and_verify(torch, model, Qwen2_5_VLForConditionalGeneration, out, ver)
    log(f"saved and reloaded checkpoint: {len(weight_names)} tensors")

    # --- float32 pass ---
    model = model.to(device)
    run = QwenRun(torch, model, device)
    f32 = {}
    with torch.no_grad():
        for c in cases:
            a32 = (c["input_ids"], c["_pixel_values"], c["image_grid_thw"], torch.float32)
            f32[c["name"]] = (run.forward(*a32), run.greedy_generate(*a32))

    # --- float64 pass (the reference) ---
    model = model.to(dtype=torch.float64)
    tensors = {}
    features_source = None
    rope_kwargs = None
    with torch.no_grad():
        for c in cases:
            name, ids, pv, grids = c["name"], c["input_ids"], c["_pixel_values"], c["image_grid_thw"]
            a64 = (ids, pv, grids, torch.float64)
            logits64, hook_feats, hook_pos = run.forward_capturing(*a64)
            positions, delta, rope_kwargs = run.rope_index(ids, grids)
            own_pos, own_delta = own_qwen_positions(ids, grids)
            if positions != own_pos or delta != own_delta:
                raise FixtureError(f"case {name!r}: get_rope_index gives other position ids (delta {delta}) than "
                                   f"the script's M-RoPE arithmetic (delta {own_delta})")
            if hook_pos is None:
                warn(f"case {name!r}: the position ids the language model received could not be captured",
                     warnings)
            elif hook_pos != positions:
                raise FixtureError(f"case {name!r}: the language model received other position ids than "
                                   "get_rope_index gives (text-only positions? mm_token_type_ids missing?)")
            answer_manual, margins = run.greedy_manual(*a64)
            answer_gen = run.greedy_generate(*a64)
            if answer_manual != answer_gen:
                raise FixtureError(f"case {name!r}: generate() gave {answer_gen} but step-by-step greedy gave "
                                   f"{answer_manual} (margins {margins}); pick another --seed")
            logits32, answer32 = f32[name]
            diff = float((logits32 - logits64).abs().max())
            n = len(ids)
            without_eos = [t for t in answer_manual if t not in QWEN_EOS_IDS]
            c.update({
                "num_tokens": n,
                "position_ids": positions,
                "rope_delta": delta,
                "position_ids_as_received_by_language_model": hook_pos is not None,
                "first_logits": logits64[-1].tolist(),
                "first_logits_float32": logits32[-1].tolist(),
                "last4_positions": list(range(n - 4, n)),
                "last4_logits": logits64[-4:].tolist(),
                "answer_ids": answer_manual,
                "answer_ids_without_eos": without_eos,
                "ended_with_eos": bool(answer_manual) and answer_manual[-1] in QWEN_EOS_IDS,
                "answer": tok.decode(without_eos, skip_special_tokens=True),
                "margins": margins,
                "min_margin": min(margins),
                "answer_ids_float32": answer32,
                "float32_greedy_matches": answer32 == answer_manual,
                "float32_vs_float64_max_abs_diff": diff,
            })
            if answer32 != answer_manual:
                warn(f"case {name!r}: float32 greedy {answer32} differs from float64 {answer_manual}", warnings)
            if min(margins) < 10 * diff:
                warn(f"case {name!r}: min_margin {min(margins):.3g} is under 10x the float32 error {diff:.3g}",
                     warnings)
            if hook_feats is not None and hook_feats.shape[0] != sum(im["num_image_tokens"] for im in c["images"]):
                raise FixtureError(f"case {name!r}: the language model got {hook_feats.shape[0]} image rows")
            tensors[c["pixel_values_key"]] = pv.contiguous()
            tensors[c["image_grid_thw_key"]] = torch.tensor(grids, dtype=torch.int64)
            for i, im in enumerate(images[name]):
                tensors[f"images_{name}_{i}"] = im.contiguous()
            if name != "a":
                continue
            found = {}
            for label, fn in (("api", run.image_features_api), ("visual", run.image_features_visual)):
                try:
                    found[label] = fn(pv, grids, torch.float64)
                except Exception as e:
                    cross[f"image_features_{label}_error"] = f"{type(e).__name__}: {e}"
                    warn(f"image features via {label} failed: {type(e).__name__}: {e}", warnings)
            if hook_feats is not None:
                found["hook"] = (hook_feats, "language model inputs_embeds at the <|image_pad|> positions")
            if not found:
                raise FixtureError("cannot obtain the image features: " + str(cross))
            label = next(k for k in ("api", "visual", "hook") if k in found)
            feats, features_source = found[label]
            want_shape = (sum(im["num_image_tokens"] for im in c["images"]), QWEN_TEXT_HIDDEN)
            for k, (f, src) in found.items():
                if tuple(f.shape) != want_shape:
                    raise FixtureError(f"image features from {src} have shape {tuple(f.shape)}, want {want_shape}")
                gap = float((f - feats).abs().max())
                cross[f"image_features_{k}_vs_{label}_max_abs_diff"] = gap
                if gap > 1e-10:
                    raise FixtureError(f"image features from {src} differ from {features_source} by {gap:.3g}")
            c.update({"image_features_key": "image_features_a", "image_features_shape": list(feats.shape)})
            tensors["image_features_a"] = feats.contiguous()
    st.save_file(tensors, os.path.join(out, "inputs.safetensors"), metadata={"format": "pt"})

    try:
        from transformers import AutoProcessor
        auto = AutoProcessor.from_pretrained(out, local_files_only=True)
        cross["auto_processor_class"] = type(auto).__name__
        cross["auto_image_processor_class"] = type(getattr(auto, "image_processor", None)).__name__
        a = cases[0]
        ids_auto, pv_auto, grids_auto, _ = qwen_processor_encode(torch, np, auto, pils[a["name"]], a["prompt"],
                                                                 "AutoProcessor")
        cross["auto_processor_ids_match"] = ids_auto == a["input_ids"]
        cross["auto_processor_grids_match"] = grids_auto == a["image_grid_thw"]
        if pv_auto.shape == a["_pixel_values"].shape:
            cross["auto_processor_pixel_max_abs_diff"] = float((pv_auto - a["_pixel_values"]).abs().max())
    except Exception as e:  # informational only
        cross["auto_processor_error"] = f"{type(e).__name__}: {e}"
    for c in cases:
        del c["_pixel_values"]

    expected = {
        "format": "vscan-parity-fixture",
        "format_version": 1,
        "family": "qwen2_5_vl",
        "generator": "tools/parity/make_fixtures.py --family qwen2_5_vl",
        "versions": {
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "tokenizers": getattr(tokenizers_mod, "__version__", "?"),
            "safetensors": getattr(safetensors_mod, "__version__", "?"),
            "pillow": getattr(sys.modules.get("PIL"), "__version__", "?"),
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "device": str(device),
        "seed": args.seed,
        "attn_implementation": impls,
        "weight_layout": ("model.visual + model.language_model" if any(n.startswith("model.visual.")
                                                                       for n in weight_names)
                          else "visual + model" if any(n.startswith("visual.") for n in weight_names)
                          else "unknown"),
        "weight_names": weight_names,
        "image_token_id": QWEN_IMAGE_TOKEN_ID,
        "vision_start_token_id": QWEN_VISION_START_ID,
        "eos_token_ids": QWEN_EOS_IDS,
        "min_pixels": QWEN_MIN_PIXELS,
        "max_pixels": QWEN_MAX_PIXELS,
        "lm_head_zero_rows": qwen_zero_head_rows(),
        "generation": {"do_sample": False, "max_new_tokens": MAX_NEW_TOKENS, "eos_token_id": QWEN_EOS_IDS,
                       "pad_token_id": QWEN_ENDOFTEXT_ID},
        "image_processor": ip_entry,
        "image_processor_candidates": ip_report,
        "processor": type(processor).__name__ if processor is not None else None,
        "processor_form": processor_form,
        "processor_failed_forms": processor_errors,
        "mm_token_type_ids_passed": run.wants_types,
        "rope_index_arguments": rope_kwargs,
        "image_features_source": features_source,
        "reference_note": (
            "Pixel values and image_grid_thw come from transformers' Qwen2VLImageProcessor (its PIL path) through "
            "Qwen2_5_VLProcessor, which also expands each <|image_pad|>; the model is fed exactly those. "
            "position_ids are get_rope_index's (checked against the script's M-RoPE arithmetic and against what "
            "the language model received). Logits, answers and features come from the float32 checkpoint upcast "
            "to float64 (model.double()), batch-1 passes; RMSNorm, softmax and the RoPE tables still run in "
            "float32 inside, so compare with tolerances of about 1e-6 relative. answer_ids include the end id "
            "when one was produced."),
        "inputs_file": "inputs.safetensors",
        "cases": cases,
        "cross_checks": cross,
        "warnings": warnings,
    }
    write_json(os.path.join(out, "expected.json"), expected)

    n_warnings = len(warnings)
    files, total = check_out_dir(out, warnings, QWEN_OUTPUT_FILES)
    if len(warnings) != n_warnings:
        write_json(os.path.join(out, "expected.json"), expected)
        files, total = check_out_dir(out, [], QWEN_OUTPUT_FILES)
    log(f"wrote {len(files)} files, {total} bytes: {', '.join(files)}")
    for c in cases:
        log(f"case {c['name']}: {c['num_tokens']} tokens, answer {c['answer_ids']} ({c['answer']!r}), "
            f"min_margin {c['min_margin']:.4g}, float32 vs float64 max |diff| "
            f"{c['float32_vs_float64_max_abs_diff']:.3g}, float32 greedy matches: {c['float32_greedy_matches']}")
    log(f"image features: {features_source}; rope index args {rope_kwargs}; cross-checks: {cross}")
    if warnings:
        log(f"{len(warnings)} warning(s); see expected.json 'warnings'")
    log("done")


def run(args):
    if args.family == "llava_next":
        run_next(args)
    elif args.family == "qwen2_5_vl":
        run_qwen(args)
    else:
        run_llava(args)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Make transformers reference fixtures for the Java LLaVA and Qwen2.5-VL engines.")
    p.add_argument("--out", required=True, help="output directory (created; must hold no foreign files); "
                   "src/test/resources/parity for llava, src/test/resources/parity-next for llava_next, "
                   "src/test/resources/parity-qwen for qwen2_5_vl")
    p.add_argument("--family", choices=["llava", "llava_next", "qwen2_5_vl"], default="llava",
                   help="model family: LLaVA-1.5 (default), LLaVA-NeXT (AnyRes) or Qwen2.5-VL")
    p.add_argument("--seed", type=int, default=1234, help="seed for weights and images (default 1234)")
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="where to run the model")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        run(args)
    except FixtureError as e:
        print(f"[make_fixtures] ERROR: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # anything unexpected: show where it broke
        traceback.print_exc()
        print(f"[make_fixtures] ERROR: unexpected {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
