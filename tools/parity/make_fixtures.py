#!/usr/bin/env python3
"""Reference fixtures for the Java LLaVA-1.5 engine, produced by Hugging Face transformers itself.

Builds a tiny random LlavaForConditionalGeneration (CLIP vision tower + Llama text model) from configs
only (nothing is downloaded), saves it as a llava-hf style checkpoint, and records what transformers
computes for two prompts (one image, two images): last-position logits, the logits of the last four
prompt positions, greedy answers with their top-1/top-2 margins, and for the first prompt the vision
tower's layer -2 features and the projected image features.

Usage:
    python tools/parity/make_fixtures.py --out DIR [--seed 1234] [--device cpu|cuda]

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

def prepare_out_dir(out):
    os.makedirs(out, exist_ok=True)
    strangers = sorted(set(os.listdir(out)) - set(OUTPUT_FILES))
    if strangers:
        raise FixtureError(f"output directory {out} holds files this script does not write: {strangers}; "
                           "use an empty directory")
    for name in OUTPUT_FILES:
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


def check_out_dir(out, warnings):
    files = sorted(os.listdir(out))
    odd = [f for f in files if not PLAIN_NAME.match(f)]
    if odd:
        raise FixtureError(f"output file names are not plain: {odd}")
    missing = [f for f in OUTPUT_FILES if f not in files]
    if missing:
        raise FixtureError(f"expected output files are missing: {missing} (present: {files})")
    extra = [f for f in files if f not in OUTPUT_FILES]
    if extra:
        warn(f"save_pretrained wrote extra files {extra}; the Java test only reads {OUTPUT_FILES}", warnings)
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

def run(args):
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


def parse_args(argv):
    p = argparse.ArgumentParser(description="Make transformers reference fixtures for the Java LLaVA engine.")
    p.add_argument("--out", required=True, help="output directory (created; must hold no foreign files)")
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
