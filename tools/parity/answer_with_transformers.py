#!/usr/bin/env python3
"""Answers the questions of a samples directory with Hugging Face transformers' own LLaVA.

Loads a llava-hf checkpoint directory (e.g. the built-in shapes-vqa model) with
LlavaForConditionalGeneration, builds each prompt with the LLaVA-1.5 template, expands <image> to the
model's number of visual tokens (what LlavaProcessor does), preprocesses the PNGs with the checkpoint's
CLIPImageProcessor, decodes greedily and compares with the expected answer and with the answer the
Java engine recorded in questions.json (written by the `samples` command).

    python answer_with_transformers.py --model DIR --samples DIR [--device cpu|cuda] [--out FILE]

Exit code 0 when it ran (the agreement is in the output), 1 on any problem.
"""
import argparse
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out")
    parser.add_argument("--max-new-tokens", type=int, default=6)
    args = parser.parse_args()

    import torch
    import transformers
    from PIL import Image
    from tokenizers import Tokenizer
    from transformers import CLIPImageProcessor, LlavaForConditionalGeneration

    config = json.load(open(os.path.join(args.model, "config.json")))
    image_token = config["image_token_index"]
    vision = config["vision_config"]
    tokens_per_image = (vision["image_size"] // vision["patch_size"]) ** 2
    eos = config["text_config"].get("eos_token_id", 2)

    model, info = LlavaForConditionalGeneration.from_pretrained(args.model, dtype=torch.float32,
                                                                attn_implementation="eager",
                                                                output_loading_info=True)
    # Only the vision tower's unused last layer may be absent from the model (LLaVA never runs it).
    missing = [k for k in info.get("missing_keys", []) if "post_layernorm" not in k]
    if missing:
        raise RuntimeError(f"checkpoint leaves {len(missing)} model weights uninitialised, e.g. {missing[:3]}")
    model = model.to(args.device).eval()
    tokenizer = Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
    processor = CLIPImageProcessor.from_pretrained(args.model)
    questions = json.load(open(os.path.join(args.samples, "questions.json")))

    rows = []
    for q in questions:
        n = len(q["images"])
        prompt = "USER: " + "<image>\n" * n + q["question"] + " ASSISTANT:"
        ids = []
        for token in tokenizer.encode(prompt).ids:
            ids.extend([token] * tokens_per_image if token == image_token else [token])
        images = [Image.open(os.path.join(args.samples, f)).convert("RGB") for f in q["images"]]
        pixels = processor(images=images, return_tensors="pt")["pixel_values"].to(args.device)
        input_ids = torch.tensor([ids], device=args.device)
        with torch.no_grad():
            out = model.generate(input_ids=input_ids, pixel_values=pixels, max_new_tokens=args.max_new_tokens,
                                 do_sample=False, eos_token_id=eos, pad_token_id=0)
        new = [t for t in out[0, len(ids):].tolist() if t != eos]
        answer = tokenizer.decode(new, skip_special_tokens=True).strip()
        rows.append({"question": q["question"], "expected": q["expected"], "java": q.get("answer"),
                     "transformers": answer})

    same = sum(r["transformers"].lower() == (r["java"] or "").strip().lower() for r in rows)
    right = sum(r["transformers"].lower() == r["expected"].lower() for r in rows)
    result = {"unexpected_keys": len(info.get("unexpected_keys", [])), "torch": torch.__version__, "transformers": transformers.__version__, "device": args.device,
              "questions": len(rows), "same_as_java": same, "correct": right, "rows": rows}
    text = json.dumps(result, indent=1)
    if args.out:
        open(args.out, "w").write(text)
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # one line naming the problem, exit 1
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
