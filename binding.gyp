{
  "targets": [
    {
      "target_name": "ledpipe_native",
      "variables": { "ledpipe_tensorrt_include%": "" },
      "sources": [
        "native/addon.cc",
        "native/isa.cc",
        "native/convert.cc",
        "native/convert_scalar.cc",
        "native/convert_avx2.cc",
        "native/convert_avx512.cc",
        "native/resize.cc",
        "native/resize_binding.cc",
        "native/resize_plan.cc",
        "native/resize_scalar.cc",
        "native/resize_avx2.cc",
        "native/resize_avx512.cc",
        "native/tiles.cc",
        "native/tiles_binding.cc",
        "native/calibration.cc",
        "native/calibration_scalar.cc",
        "native/calibration_avx2.cc",
        "native/calibration_binding.cc",
        "native/calibration_avx512.cc",
        "native/thermal.cc",
        "native/thermal_scalar.cc",
        "native/thermal_avx2.cc",
        "native/thermal_binding.cc",
        "native/thermal_avx512.cc",
        "native/sr_luma.cc",
        "native/sr_luma_scalar.cc",
        "native/sr_luma_avx2.cc",
        "native/sr_luma_avx512.cc",
        "native/sr_luma_binding.cc",
        "native/openvino_api.cc",
        "native/openvino_session.cc",
        "native/openvino_binding.cc",
        "native/tensorrt.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20", "-O2", "-O0"],
      "cflags": ["-O3", "-ffp-contract=off", "-fvisibility=hidden", "-Wall", "-Wextra"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "libraries": ["-ldl"],
      "conditions": [
        ["ledpipe_tensorrt_include!=''", { "defines": ["LEDPIPE_HAVE_TENSORRT"], "include_dirs": ["<(ledpipe_tensorrt_include)"] }]
      ],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fvisibility=hidden"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17", "/fp:precise"] }
      }
    }
  ]
}
